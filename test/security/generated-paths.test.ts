// The writer only writes, deletes or restores paths of the generator's shape (isGeneratedShape),
// whatever a record or journal in the project names. That shape must hold every path the
// generator produces, or a legitimate run would be refused: checked over every accepted
// combination, and against the paths it must never admit.
import { describe, expect, it } from 'vitest';
import { withMetadata } from '../../src/metadata.js';
import { isGeneratedShape } from '../../src/project-fs.js';
import { render } from '../../src/render.js';
import { everyCombination } from '../support/combinations.js';
import { answersFor, builtin } from '../support/project.js';

describe('isGeneratedShape', () => {
  it('admits every path the generator produces, for every accepted combination', async () => {
    const paths = new Set<string>();
    const { accepted } = everyCombination(['dev', 'staging', 'production']);
    for (const { id: _id, ...given } of accepted) {
      const answers = await answersFor({ ...given, name: 'demo', 'secret-keys': ['DB_URL'] });
      for (const path of withMetadata(render(answers, builtin(), '0.1.0'), answers, '0.1.0').keys()) paths.add(path);
    }
    expect(paths.size).toBeGreaterThan(30);
    for (const path of paths) expect(isGeneratedShape(path), path).toBe(true);
  });

  it('admits nothing outside the project, in git, in the writer\'s state or among the user\'s files', () => {
    for (const path of [
      '../victim/bashrc', '/etc/passwd', 'chart/../../x', './README.md', 'chart//values.yaml', 'chart\\values.yaml',
      '.git/HEAD', 'chart/.git/config', '.create-k8s-app/run/lock', '.create-k8s-app/run/backup/0', 'src/main.go',
      'notes.txt', '.github/workflows/ci.yml', 'chart', 'chart/templates/a/b/c/d.yaml', 'chart/\u001b[31m.yaml', '',
    ]) {
      expect(isGeneratedShape(path), path).toBe(false);
    }
  });
});
