/**
 * VM questions (libvirt's src/esx README, "Automatic question handling"): a task such as a power-on can block on a
 * question only a user (or AnswerVM) can resolve. With auto_answer the default choice is given; otherwise the
 * question is reported as a QuestionError with its text and choices.
 */
import { QuestionError } from '../errors.js';
import type { VimContext } from './context.js';
import { AnswerVM } from './generated/methods.js';
import type { MoRef, VirtualMachineQuestionInfo } from './generated/types.js';

/** One possible answer. */
export interface QuestionChoice {
  key: string;
  label: string;
  isDefault: boolean;
}

/** The choices of a question, the default one marked. */
export function questionChoices(q: VirtualMachineQuestionInfo): QuestionChoice[] {
  const def = q.choice?.defaultIndex;
  return (q.choice?.choiceInfo ?? []).map((c, i) => ({ key: c.key, label: c.label || c.summary || c.key, isDefault: i === def }));
}

/** The default choice, if the question names one (ESX's defaults are the non-destructive answers). */
export function defaultChoice(q: VirtualMachineQuestionInfo): QuestionChoice | undefined {
  return questionChoices(q).find((c) => c.isDefault);
}

/** The question's text as one line. */
export function questionText(q: VirtualMachineQuestionInfo): string {
  return (q.text ?? '').replace(/\s+/g, ' ').trim();
}

/** The QuestionError reporting `q`; `context` names the VM and what was blocked. */
export function questionError(q: VirtualMachineQuestionInfo, context: string): QuestionError {
  const choices = questionChoices(q);
  const text = questionText(q);
  if (!choices.some((c) => c.isDefault)) return new QuestionError(`${text} [no default answer]`, choices, context);
  return new QuestionError(text, choices, context);
}

/**
 * Answers `q` with its default choice and returns that choice; a question without a default choice cannot be
 * answered automatically and is thrown as QuestionError.
 */
export async function answerWithDefault(
  ctx: VimContext,
  vm: MoRef<'VirtualMachine'>,
  q: VirtualMachineQuestionInfo,
  context: string,
): Promise<QuestionChoice> {
  const choice = defaultChoice(q);
  if (choice === undefined) throw questionError(q, context);
  await AnswerVM(ctx.soap, vm, { questionId: q.id, answerChoice: choice.key });
  ctx.emit({ type: 'question-answered', vm: vm.value, question: questionText(q), choice: choice.label });
  return choice;
}
