// The API report: one file per entry of package.json's `exports` (api/<entry>.api.md), made by
// @microsoft/api-extractor from the built declarations (run `npm run build` first).
//   node scripts/api-report.mjs           fails when a report differs from the public API
//   node scripts/api-report.mjs --update  writes the reports (commit them with the change)
// `npm test` runs the check, so every change of the public surface shows in review.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = join(import.meta.dirname, '..');
const update = process.argv.includes('--update');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const temp = join(root, '.build', 'api-report');
mkdirSync(temp, { recursive: true });

let changed = 0;
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object' || !target.types) continue;
  const name = subpath === '.' ? 'index' : subpath.slice(2).replaceAll('/', '-');
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: join(root, target.types),
      compiler: { tsconfigFilePath: join(root, 'tsconfig.build.json') },
      apiReport: {
        enabled: true,
        reportFileName: `${name}.api.md`,
        reportFolder: join(root, 'api'),
        reportTempFolder: temp,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // The report lists what is exported; how the docs are written is the linter's business.
        extractorMessageReporting: {
          default: { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        compilerMessageReporting: { default: { logLevel: 'warning' } },
      },
    },
    configObjectFullPath: join(root, 'api', 'api-extractor.json'),
    packageJsonFullPath: join(root, 'package.json'),
  });
  const missing = !existsSync(join(root, 'api', `${name}.api.md`));
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  if (result.apiReportChanged || (missing && !update)) {
    changed += 1;
    console.error(
      update
        ? `api/${name}.api.md updated`
        : `The public API of '${subpath}' changed: run \`npm run api -- --update\` and commit api/${name}.api.md.`,
    );
  }
}
if (changed > 0 && !update) process.exit(1);
console.log(
  `API reports ${update ? 'written' : 'match'}: ${Object.keys(pkg.exports).length - 1} entries`,
);
