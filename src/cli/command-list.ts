/**
 * Every command of `literate-gpt`, in one explicit list: importing a file registers its
 * command(s). A new command is one more line here, and what the CLI offers is readable here
 * rather than decided by whichever files happen to sit in commands/ at run time.
 */
import './commands/bench';
import './commands/classifier';
import './commands/export';
import './commands/export-hf';
import './commands/image';
import './commands/info';
import './commands/lm';
import './commands/tokenize';
