import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuestionError } from '../errors.js';
import { defaultChoice, questionChoices, questionError, questionText } from './question.js';

const q = {
  id: '_vmx1',
  text: 'msg.serial.file.open:The file specified for serial port 1 already exists.\nDo you want to replace it with any content, or append to it?\n',
  choice: {
    choiceInfo: [
      { key: '0', label: 'Cancel', summary: 'Cancel' },
      { key: '1', label: 'Append', summary: 'Append' },
      { key: '2', label: '', summary: 'Replace' },
    ],
    defaultIndex: 1,
  },
};

test('choices, default and one-line text of a question', () => {
  assert.deepEqual(questionChoices(q), [
    { key: '0', label: 'Cancel', isDefault: false },
    { key: '1', label: 'Append', isDefault: true },
    { key: '2', label: 'Replace', isDefault: false },
  ]);
  assert.equal(defaultChoice(q)?.key, '1');
  assert.doesNotMatch(questionText(q), /\n/);
  const e = questionError(q, "PowerOnVM_Task on VM 'a'");
  assert.ok(e instanceof QuestionError);
  assert.match(
    e.message,
    /^PowerOnVM_Task on VM 'a': pending question blocks the task: 'msg\.serial\.file\.open:The file .* append to it\?' \(choices: 0:Cancel, 1:Append \(default\), 2:Replace\)/,
  );
  assert.equal(defaultChoice({ ...q, choice: { choiceInfo: q.choice.choiceInfo } }), undefined);
});
