/** What a changed part of a scenario's spec means, for a reviewer who does not read YAML. */
const WORDS: Record<string, string> = {
  'spec.entry': 'who enters (lists, segment, triggers)',
  'spec.exclusive': 'whether its contacts may be in other scenarios at once',
  'spec.priority': 'its priority among exclusive scenarios',
  'spec.limits': 'its limits',
  'spec.sender': 'the sender (from, reply-to)',
  'spec.form': 'the form',
  'spec.language': 'the languages',
  'spec.unsubscribe': 'the unsubscribe footer',
  'spec.tracking': 'open and click tracking',
  'spec.schedule': 'the schedule (days, hours, start, end)',
  'spec.quotas': 'the sending quotas',
  'spec.exitOn': 'what ends a contact\'s run early (reply, unsubscribe, form…)',
  'spec.updateStrategy': 'how contacts in progress take a new version',
  'spec.fields': 'the contact fields',
  'spec.variables': 'the template variables',
  'spec.template': 'the catalogue template',
  'spec.segments': 'the segments',
  metadata: 'the name, title, description or labels',
};

export function specWords(path: string): string {
  const campaign = path.match(/^spec\.campaigns\.(.+)$/);
  const words = campaign ? `email ${campaign[1]} (subject, template or delay)` : WORDS[path];
  return words ? `${words} changed (${path})` : `${path} changed`;
}
