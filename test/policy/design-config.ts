/** The DESIGN.md policy example, in a config with a premium and a plain model, as an operator would write it. */
export const DESIGN_CONFIG = `
providers:
  openai: { type: mock }
  azure-eu: { type: mock }
models:
  - name: gpt-4o
    tags: [premium]
    deployments:
      - { provider: openai, model: gpt-4o, region: us }
      - { provider: azure-eu, model: gpt-4o-deploy, region: eu }
  - name: gpt-4o-mini
    deployments:
      - { provider: openai, model: gpt-4o-mini, region: us }
policies:
  - name: employees
    allow:
      and:
        - authenticated_user: true
        - domain: { is: example.com }
  - name: premium models are for ml-senior
    deny:
      and:
        - model_tags: { has: premium }
        - not: [ { groups: { has: ml-senior } } ]
    message: Premium models need the ml-senior group.
  - name: legal and hr stay in the EU
    when: { claim/department: { in: [legal, hr] } }
    route: { regions: [eu] }
  - name: per-user limits
    when: { authenticated_user: true }
    limits: [ { per: user, rpm: 60, tpm: 200000 } ]
  - name: department budgets
    when: { authenticated_user: true }
    budgets: [ { per: claim/department, usd: 500, period: month } ]
`;
