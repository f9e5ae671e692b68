// The entry point of the bundled controller (dist/orkestra/main.js, built by bundle.ts): the
// `orkestra` command line with stack traces mapped back to the .ts sources. main.ts is loaded
// after the stack formatter is installed, so its own start-up errors are mapped too.
import { installSourceMappedStacks } from './source-mapped-stacks.ts';

installSourceMappedStacks(new URL('./', import.meta.url).href);
const { main } = await import('./main.ts');
await main(process.argv, process.env.ORKESTRA_COMMAND_NAME);
