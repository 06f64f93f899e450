/**
 * `warden new <name> --lang assemblyscript|c`: scaffolds a plugin project with one working
 * tool, its manifest, a build command and a test that runs the tool in Warden.
 */
import { SCAFFOLD_LANGUAGES, scaffoldPlugin, type ScaffoldLanguage } from '../scaffold/scaffold.js';
import { str, type Command } from './command.js';
import { UsageError, out, style } from './output.js';

export const newCommand: Command = {
  name: 'new',
  args: '<name>',
  summary: 'Create a plugin project: manifest, source with one working tool, a build command and a test.',
  details: [
    'assemblyscript: package.json (npm run build → build/<name>.wasm with the manifest embedded; npm test),',
    'depending on npm assemblyscript and on this Warden\'s SDK through a file: path.',
    'c: a Makefile (make → build/ with plugin.wasm and warden.yaml; make test) and a copy of warden.h.',
  ].join('\n'),
  positionals: { min: 1, max: 1 },
  options: {
    lang: { type: 'string', help: `<language>  ${SCAFFOLD_LANGUAGES.join(' or ')} (required)` },
    dir: { type: 'string', help: '<path>  the project folder (default: ./<name>); must not exist or be empty' },
  },
  example: 'warden new weather --lang assemblyscript',
  async run(args) {
    const lang = str(args, 'lang');
    if (!lang || !(SCAFFOLD_LANGUAGES as readonly string[]).includes(lang)) throw new UsageError(`--lang must be ${SCAFFOLD_LANGUAGES.join(' or ')}`);
    const dir = str(args, 'dir');
    const result = await scaffoldPlugin({ name: args.positionals[0]!, lang: lang as ScaffoldLanguage, ...(dir !== undefined && { dir }) });
    out(`created ${style('bold', args.positionals[0]!)} (${lang}) in ${result.dir}:`);
    for (const f of result.files) out(`  ${f}`);
    out('');
    out(`build:   cd ${result.dir} && ${result.build}`);
    out(`test:    ${result.test}`);
    out(`install: warden plugin install ${lang === 'c' ? 'build' : `build/${args.positionals[0]!}.wasm`}`);
    return 0;
  },
};
