/**
 * Personalisation with liquidjs, set up so a template cannot run code or run away: no file system,
 * own properties only, strict variables and filters, and limits on parse and render work. Templates
 * are parsed once per campaign content and rendered per recipient.
 */
import { Liquid, type Template } from 'liquidjs';

const engine = new Liquid({
  strictFilters: true,
  strictVariables: true,
  ownPropertyOnly: true,
  relativeReference: false,
  fs: {
    // No includes or layouts: a campaign template is self-contained.
    readFileSync: () => {
      throw new Error('includes are not allowed');
    },
    readFile: async () => {
      throw new Error('includes are not allowed');
    },
    existsSync: () => false,
    exists: async () => false,
    resolve: (_root, file) => file,
    contains: async () => false,
  },
  parseLimit: 200_000,
  renderLimit: 200,
  memoryLimit: 2_000_000,
});

export type CompiledTemplate = Template[];

export function compileTemplate(source: string): CompiledTemplate {
  return engine.parse(source);
}

export function renderTemplate(template: CompiledTemplate, vars: Record<string, unknown>): string {
  return engine.renderSync(template, vars) as string;
}
