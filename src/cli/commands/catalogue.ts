import { catalogue } from '../../catalogue/index.js';

export function listCatalogue(): void {
  for (const template of Object.values(catalogue)) {
    const needs = [template.needsForm ? 'a form' : '', template.needsSegments ? 'segments a and b' : ''].filter(Boolean);
    process.stdout.write(`${template.name} — ${template.title}${needs.length ? ` (needs ${needs.join(' and ')})` : ''}\n  ${template.description}\n`);
    for (const slot of template.slots) process.stdout.write(`    ${slot.key.padEnd(14)} ${slot.label}: ${slot.audience}\n`);
    process.stdout.write('\n');
  }
}
