export { buildConsole, consoleDistDir } from './build';
