export { buildProgram } from "./program";
