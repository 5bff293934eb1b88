// The ACD part of the controller's world (docs/design.md "ACD hot desk agents"), as JSON Schema pieces
// config-schema.ts puts in its place: `agents`, `acd-groups`, and the access codes `agent-login` and
// `agent-logout`. The world schema's own field kinds (a DN, a duration, a key entry) are handed in, so
// an agent's keys are written exactly as a user's.
export function acdSchema<D, T, K>(kinds: { dn: D; duration: T; key: K }) {
  return {
    codes: { 'agent-login': kinds.dn, 'agent-logout': kinds.dn },
    agents: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'pin'],
        properties: {
          /** Mitel's agent ID: 1 to 7 digits. */
          id: { type: 'string', pattern: '^[0-9]{1,7}$' },
          pin: { type: 'string', pattern: '^[0-9]{0,8}$' },
          name: { type: 'string', maxLength: 40 },
          language: { enum: ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt'] },
          /** The ACD groups the agent answers for (with those whose `agents` name the agent). */
          groups: { type: 'array', items: kinds.dn },
          /** After each ACD call, 0-600 s before the next one (config.ts checks the range). */
          'work-timer': kinds.duration,
          /** The agent's personal keys (default: the prime line, Make Busy, Agent Logout). */
          keys: { type: 'array', items: kinds.key },
        },
      },
    },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: { id: kinds.dn, agents: { type: 'array', items: { type: 'string', pattern: '^[0-9]{1,7}$' } } },
      },
    },
  } as const;
}
