/** A small valid scenario as YAML text; tests corrupt one line of it at a time. */
export const MINIMAL = `apiVersion: relance/v1
kind: Scenario
metadata:
  name: minimal
spec:
  entry:
    lists: [newsletter]
  sender:
    email: hello@acme.test
  steps:
    - id: pause
      type: wait
      for: 2 days
    - id: check
      type: condition
      if: { field: country, in: [FR, BE] }
      then: bye
      else: bye
    - id: bye
      type: exit
      outcome: end
`;
