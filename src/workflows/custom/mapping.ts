/**
 * Which declared workflows are Stratus workflow functions. The DSL turns a workflow mapping that
 * names a file of the blueprint into Cloudify's script workflow (`script_runner.tasks.execute_workflow`
 * with the file as the `script_path` parameter's default); Stratus runs such a file when it is
 * JavaScript. Everything else that is not built in needs Python (a workflow plugin's function, a
 * `.py` script), which Stratus does not run: the reason says so.
 */
import type { PlanWorkflow } from '../../dsl/plan';

const SCRIPT_PLUGIN = 'script';
const SCRIPT_WORKFLOW_TASK = 'script_runner.tasks.execute_workflow';
const JS_FILE = /\.(m?js|cjs)$/i;

export type CustomWorkflowMapping = { kind: 'function'; path: string } | { kind: 'unsupported'; reason: string };

/** The JavaScript file of a script workflow, or why this (non-built-in) workflow cannot run. */
export function customWorkflowMapping(workflow: PlanWorkflow): CustomWorkflowMapping {
  const script = workflow.plugin === SCRIPT_PLUGIN && workflow.operation === SCRIPT_WORKFLOW_TASK ? workflow.parameters?.script_path?.default : undefined;
  if (typeof script !== 'string') {
    return {
      kind: 'unsupported',
      reason: `it maps to ${workflow.plugin}.${workflow.operation}, a Python workflow function of a plugin, and Stratus does not run Python workflows: write it as a JavaScript workflow function (mapping: workflows/<name>.js, see docs/workflows.md)`,
    };
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(script)) return { kind: 'unsupported', reason: `its script ${script} is remote: workflow functions must be files of the blueprint archive` };
  if (!JS_FILE.test(script)) {
    return { kind: 'unsupported', reason: `its script ${script} is not JavaScript: Stratus runs workflow functions written in JavaScript (.js or .mjs files of the blueprint, see docs/workflows.md), not Python workflow scripts` };
  }
  return { kind: 'function', path: script };
}

/** The workflow's parameters as its function sees them: without the DSL's script_path. */
export function functionParameters(parameters: Record<string, unknown>): Record<string, unknown> {
  const { script_path: _scriptPath, ...rest } = parameters;
  return rest;
}
