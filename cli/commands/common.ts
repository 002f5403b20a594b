/**
 * Pieces the read commands share: list options (`--sort-by`, `--descending`, `--all-tenants`,
 * `--search`, `--json`), fetching every page, and printing a list as a table or as the API's JSON.
 */
import type { Command } from 'commander';
import type { Query, StratusClient } from '../client/client';
import type { Column } from '../output';
import { print, printJson, table } from '../output';

export interface ListOptions {
  json?: boolean;
  sortBy?: string;
  descending?: boolean;
  allTenants?: boolean;
  search?: string;
}

export function withListOptions(command: Command, defaultSort = 'created_at', tenantScoped = true): Command {
  command.option('--sort-by <field>', 'sort by this field', defaultSort).option('--descending', 'sort in descending order').option('--json', "print the API's JSON");
  if (tenantScoped) command.option('-a, --all-tenants', 'include resources of every tenant you can see').option('--search <text>', 'only ids containing this text');
  return command;
}

export function listQuery(options: ListOptions, extra: Query = {}): Query {
  const sort = options.sortBy ? `${options.descending ? '-' : ''}${options.sortBy}` : undefined;
  return { ...extra, _sort: sort, _all_tenants: options.allTenants ? 'true' : undefined, _search: options.search };
}

/** Fetches every page and prints a table, or the API's JSON (pages merged) with --json. */
export async function printList(client: StratusClient, path: string, query: Query, options: ListOptions, cols: Column[], noun: string): Promise<void> {
  const { items, total } = await client.listAll(path, query);
  if (options.json) return printJson({ items, metadata: { pagination: { total, size: items.length, offset: 0 }, filtered: null } });
  if (items.length === 0) return print(`No ${noun}.`);
  print(table(items, cols));
  print(`\nTotal: ${total}`);
}
