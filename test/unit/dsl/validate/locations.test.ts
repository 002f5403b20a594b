import { describe, expect, it } from '@jest/globals';
import { dslError, parseFiles, parseText, withTypes } from '../helpers';

const V = 'tosca_definitions_version: cloudify_dsl_1_4\n';

/** [blueprint, code, line, column] — the location points at the offending key or value. */
const CASES: [string, number, number, number][] = [
  [`${V}node_types:\n  t:\n    properties:\n      port: {type: integer}\nnode_templates:\n  n:\n    type: t\n    properties:\n      port: eighty\n`, 105, 10, 13],
  [`${V}node_types: {t: {}}\nnode_templates:\n  n:\n    type: t\n    properties:\n      colour: red\n`, 106, 7, 15],
  [`${V}node_templates:\n  n:\n    type: nowhere\n`, 7, 4, 11],
  [`${V}node_types:\n  t:\n    derived_from: ghost\n`, 103, 4, 19],
  [`${V}plugins:\n  p:\n    executor: anywhere\n    install: false\n`, 18, 4, 15],
  [`${V}inputs:\n  a:\n    type: integer\n    default: x\n`, 105, 5, 14],
  [`${V}inputs:\n  a:\n    hidden: true\n`, 215, 3, 3],
  [`${V}node_types: {t: {}}\nrelationships: {r: {}}\nnode_templates:\n  a: {type: t}\n  b:\n    type: t\n    relationships:\n      - type: r\n        target: c\n`, 25, 10, 17],
  [`${V}workflows:\n  w: nowhere.run\n`, 21, 3, 6],
  [`${V}groups:\n  g:\n    members: [ghost]\n`, 40, 4, 15],
  [`${V}unknown_section: 1\n`, 1, 2, 1],
];

describe('error locations', () => {
  it.each(CASES)('case %#', async (text, code, line, column) => {
    const err = await dslError(parseText(text));
    expect({ code: err.code, location: err.location }).toEqual({ code, location: { file: 'blueprint.yaml', line, column } });
    // a plain object, part of the message too
    expect(Object.getPrototypeOf(err.location)).toBe(Object.prototype);
    expect(err.message).toContain(`(blueprint.yaml:${line}:${column})`);
  });

  it('points into the imported file that holds the error', async () => {
    const err = await dslError(
      parseFiles({
        'blueprint.yaml': withTypes('  - types/mine.yaml\n', 'cloudify_dsl_1_4').replace('imports:\n  - cloudify/types/types.yaml\n  - types/mine.yaml\n', 'imports:\n  - cloudify/types/types.yaml\n  - types/mine.yaml\n'),
        'types/mine.yaml': 'node_types:\n  mine:\n    derived_from: cloudify.nodes.Root\n    properties:\n      size: {type: integer, default: big}\n',
      }),
    );
    expect(err.code).toBe(105);
    expect(err.location).toEqual({ file: 'types/mine.yaml', line: 5, column: 38 });
  });

  it('follows namespaced names back to where they were written', async () => {
    const err = await dslError(
      parseFiles({
        'blueprint.yaml': `${V}imports: [ns--other.yaml]\n`,
        'other.yaml': 'node_types: {t: {}}\nnode_templates:\n  n:\n    type: t\n    properties: {x: 1}\n',
      }),
    );
    expect(err.code).toBe(106);
    expect(err.location?.file).toBe('other.yaml');
    expect(err.location?.line).toBe(5);
  });
});

describe('planLocations', () => {
  it('locates function calls the plan took over from the blueprint', async () => {
    const { parseBlueprint, planLocations, memorySource } = await import('../../../../src/dsl/parse');
    const plan = await parseBlueprint('blueprint.yaml', {
      source: memorySource({ 'blueprint.yaml': `${V}node_types: {t: {properties: {p: {}}}}\nnode_templates:\n  n:\n    type: t\n    properties:\n      p: {get_input: nope}\n` }),
    });
    const call = plan.nodes[0]!.properties.p;
    expect(JSON.parse(JSON.stringify(planLocations(plan)!.of(call)))).toEqual({ file: 'blueprint.yaml', line: 7, column: 10 });
  });
});
