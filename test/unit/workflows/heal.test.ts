import { describe, expect, it } from '@jest/globals';
import { buildHealGraph, healScope } from '../../../src/workflows';
import { DeploymentIndex } from '../../../src/workflows/deployment';
import { HappensBefore, deployment, hasOp, op, operations } from './helpers';

// Two hosts, each with a web (heal implemented) containing a module (no heal); a db on its own
// (no host) that every web connects to; an lb outside every host connected to the webs.
const body = `node_templates:
  vm:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    capabilities: {scalable: {properties: {default_instances: 2}}}
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, delete: p.l.delete, heal: p.l.heal}}
  web:
    type: cloudify.nodes.Root
    interfaces:
      cloudify.interfaces.lifecycle: {create: p.l.create, delete: p.l.delete, preheal: p.l.preheal, heal: p.l.heal}
    relationships:
      - type: cloudify.relationships.contained_in
        target: vm
      - type: cloudify.relationships.connected_to
        target: db
  module:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, delete: p.l.delete}}
    relationships: [{type: cloudify.relationships.contained_in, target: web}]
  db:
    type: cloudify.nodes.Root
    interfaces: {cloudify.interfaces.lifecycle: {create: p.l.create, delete: p.l.delete}}
  lb:
    type: cloudify.nodes.Root
    relationships:
      - type: cloudify.relationships.connected_to
        target: web
        source_interfaces:
          cloudify.interfaces.relationship_lifecycle: {establish: p.r.add, unlink: p.r.remove}
`;

describe('heal', () => {
  it("scopes to the failing instance's host and what it contains", async () => {
    const d = (await deployment(body)).withStates('started');
    const index = new DeploymentIndex(d);
    const module = d.of('module')[0];
    const web = d.of('web').find((w) => w.id === module.relationships[0].target_id)!;
    const vm = web.host_id!;
    const plan = healScope(index, { node_instance_id: module.id });
    expect(new Set(plan.scope)).toEqual(new Set([vm, web.id, module.id]));
    // vm and web heal in place; module has no heal operation: reinstalled.
    expect(plan).toMatchObject({ heal: [vm, web.id], reinstall: [module.id], skipped: [] });
    // An instance without host: itself and what it contains.
    expect(healScope(index, { node_instance_id: d.one('db').id }).scope).toEqual([d.one('db').id]);
    // No instance named: everything.
    expect(healScope(index, {}).scope).toHaveLength(d.instances.length);
    expect(() => healScope(index, { node_instance_id: 'web_zzzzzz' })).toThrow('Node instance web_zzzzzz does not exist in this deployment');
  });

  it('heals in place (preheal, heal, targets first), then reinstalls the rest with intact relations', async () => {
    const d = (await deployment(body)).withStates('started');
    const module = d.of('module')[0];
    const web = module.relationships[0].target_id;
    const vm = d.instances.find((i) => i.id === web)!.host_id!;
    const lb = d.one('lb').id;
    const g = buildHealGraph(d, { node_instance_id: module.id, diagnose_value: 'disk full' });
    const hb = new HappensBefore(g);
    expect(hb.chain(op(g, 'preheal', web), op(g, 'heal', web))).toBe(true);
    expect(hb.before(op(g, 'heal', vm), op(g, 'preheal', web))).toBe(true);
    expect(g.tasks.find((t) => t.id === `heal_${web}/event:healing`)).toMatchObject({ message: 'Healing node instance (diagnosis: disk full)' });
    // The module is reinstalled after the heal phase; nothing else is.
    expect(hb.chain(op(g, 'heal', web), op(g, 'delete', module.id, { prefix: 'uninstall' }), op(g, 'create', module.id, { prefix: 'install' }))).toBe(true);
    expect(hasOp(g, 'create', web)).toBe(false);
    expect(hasOp(g, 'create', d.one('db').id)).toBe(false);
    // Uninstall failures are ignored by default.
    expect(op(g, 'delete', module.id).ignore_failure).toBe(true);
    // lb is not related to the module: no unlink/establish.
    expect(hasOp(g, 'unlink', lb)).toBe(false);
  });

  it('reinstalls the whole host subgraph when the host cannot heal; intact sources unlink and re-establish', async () => {
    const d = (await deployment(body.replace('delete: p.l.delete, heal: p.l.heal}}', 'delete: p.l.delete}}'))).withStates('started');
    const web = d.of('web')[0];
    const vm = web.host_id!;
    const lb = d.one('lb').id;
    const g = buildHealGraph(d, { node_instance_id: web.id });
    const hb = new HappensBefore(g);
    const reinstalled = new Set(operations(g).filter((t) => t.name.endsWith('lifecycle.create')).map((t) => t.context_instance_id));
    const module = d.of('module').find((m) => m.relationships[0].target_id === web.id)!.id;
    expect(reinstalled).toEqual(new Set([vm, web.id, module]));
    const unlink = op(g, 'unlink', lb, { target: web.id });
    const establish = op(g, 'establish', lb, { target: web.id });
    expect(hb.chain(unlink, op(g, 'delete', web.id, { prefix: 'uninstall' }), op(g, 'create', vm, { prefix: 'install' }), op(g, 'create', web.id, { prefix: 'install' }))).toBe(true);
    expect(hb.before(op(g, 'create', web.id, { prefix: 'install' }), establish)).toBe(true);
    // The other web is not touched.
    const other = d.of('web')[1].id;
    expect(hasOp(g, 'unlink', lb, { target: other })).toBe(false);
    expect(hasOp(g, 'heal', web.id)).toBe(false);
  });

  it('force_reinstall skips heal operations; allow_reinstall false reinstalls nothing and says so', async () => {
    const d = (await deployment(body)).withStates('started');
    const module = d.of('module')[0];
    const forced = buildHealGraph(d, { node_instance_id: module.id, force_reinstall: true });
    expect(operations(forced).some((t) => t.name.endsWith('.heal'))).toBe(false);
    expect(operations(forced).filter((t) => t.name.endsWith('lifecycle.create'))).toHaveLength(3);
    const noReinstall = buildHealGraph(d, { node_instance_id: module.id, allow_reinstall: false });
    expect(operations(noReinstall).some((t) => t.name.endsWith('lifecycle.create'))).toBe(false);
    expect(noReinstall.tasks.find((t) => t.subgraph === `heal-skipped_${module.id}`)).toMatchObject({ kind: 'send_event', message: 'Node instance has no heal operation and allow_reinstall is false: not healed' });
  });

  it('with check_status results, heals only the unhealthy instances and what they contain', async () => {
    const d = (await deployment(body)).withStates('started');
    const module = d.of('module')[0];
    const web = module.relationships[0].target_id;
    const plan = healScope(new DeploymentIndex(d), { node_instance_id: module.id, unhealthy: [web] });
    expect(plan).toMatchObject({ heal: [web], reinstall: [module.id] });
  });
});
