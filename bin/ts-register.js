// Registers ts-hooks.js in this thread, so later imports of .ts files work: import it first.
import { register } from 'node:module';

register('./ts-hooks.js', import.meta.url);
