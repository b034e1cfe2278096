import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { exercisesDir } from '../paths.js';
import { defineCommand, say } from './options.js';

const exerciseYaml = (id: string) => `# yaml-language-server: $schema=${join(exercisesDir, 'exercise.schema.json')}
# Each check is data in docknet's vocabulary (docknet lint ${id} checks it); students see the titles.
order: 100
title:
  en: ${id}
  ko: ${id}
checks:
  network:
    points: 1
    title: { en: "Network ${id}-net exists", ko: "${id}-net 네트워크가 있음" }
    kind: network
    network: ${id}-net
    driver: bridge
  app-attached:
    points: 1
    needs: [network]
    title: { en: "app is running on ${id}-net", ko: "app 이 ${id}-net 에서 실행 중" }
    kind: attached
    container: app
    networks: [${id}-net]
`;

const readme = (id: string) => `# ${id}

## 한국어
무엇을 만들어야 하는지 적으세요.

확인: \`npx docknet check ${id} --exercises <이 폴더의 상위 폴더>\`

## English
Say what the student must build.

Check your work: \`npx docknet check ${id} --exercises <the folder above this one>\`
`;

const fixtures = (id: string) => `# docknet selftest --exercises <folder> ${id} builds these and demands the statuses
reserved:
  networks: [${id}-net]
  containers: [app]
fixtures:
  correct:
    description: the solution
    setup: |
      docker network create --label "$LABEL" ${id}-net
      docker run -d --label "$LABEL" --name app --network ${id}-net "$IMAGE" sleep 3600
    expect: {}
`;

/** `docknet new ID`: a data-only exercise folder to start from (exercise.yaml, README.md, fixtures.yaml). */
export const newCommand = defineCommand({
  command: 'new <id>',
  describe: say(
    'scaffold a data-only exercise folder: exercise.yaml, README.md (Korean and English) and fixtures.yaml',
  ),
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('dir', { type: 'string', default: '.', describe: say('where to create the <id> folder') }),
  run: (argv) => {
    if (!/^[a-z][a-z0-9-]*$/.test(argv.id))
      throw new UsageError('an exercise id is lower-case letters, digits and dashes, starting with a letter');
    const dir = resolve(argv.dir, argv.id);
    if (existsSync(dir)) throw new UsageError(`${dir} already exists`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'exercise.yaml'), exerciseYaml(argv.id));
    writeFileSync(join(dir, 'README.md'), readme(argv.id));
    writeFileSync(join(dir, 'fixtures.yaml'), fixtures(argv.id));
    process.stdout.write(`created ${dir}\n`);
    return 0;
  },
});
