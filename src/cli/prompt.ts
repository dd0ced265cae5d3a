/** Terminal prompts for credentials: only when stdin is a TTY; the password is not echoed. */
import { isatty } from 'node:tty';
import type { Prompter } from '../driver/connect/index.js';

/** A prompter on the process's terminal, or undefined when stdin is not one (never hang). */
export function terminalPrompter(): Prompter | undefined {
  // isatty(0), not process.stdin.isTTY: reading process.stdin sets up a stream on fd 0 (~1 ms at every connection),
  // which only a prompt needs.
  if (!isatty(0)) return undefined;
  return {
    ask(question, opts) {
      return new Promise((resolve, reject) => {
        const stdin = process.stdin;
        process.stderr.write(question);
        let answer = '';
        stdin.setRawMode?.(true);
        stdin.resume();
        stdin.setEncoding('utf8');
        const done = (err?: Error): void => {
          stdin.removeListener('data', onData);
          stdin.setRawMode?.(false);
          stdin.pause();
          process.stderr.write('\n');
          if (err) reject(err);
          else resolve(answer || opts.defaultValue || '');
        };
        const onData = (chunk: string): void => {
          for (const ch of chunk) {
            if (ch === '\r' || ch === '\n') return done();
            if (ch === '\u0003') return done(new Error('interrupted'));
            if (ch === '\u0004') return done();
            if (ch === '\u007f' || ch === '\b') {
              answer = answer.slice(0, -1);
              if (!opts.secret) process.stderr.write('\b \b');
              continue;
            }
            answer += ch;
            if (!opts.secret) process.stderr.write(ch);
          }
        };
        stdin.on('data', onData);
      });
    },
  };
}
