/**
 * The DynamoDB tables of TABLES, encrypted with one customer-managed KMS key.
 *
 * Defaults: on-demand capacity, every GSI projecting all attributes, point-in-time recovery, TTL on
 * the table's TTL attribute, deletion protection whenever the data is retained.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { TableProps } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, physicalName } from '../../src/config/resources';
import type { TableDefinition, TableId } from '../../src/config/resources';

export interface ModelTablesProps {
  stage: string;
  /** @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
  /** Key for all tables. @default a new key with yearly rotation */
  encryptionKey?: IKey;
  /** Per-table overrides of the defaults (e.g. provisioned capacity). */
  tableOverrides?: Partial<Record<TableId, Partial<TableProps>>>;
}

export class ModelTables extends Construct {
  readonly tables: Record<TableId, Table>;
  readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: ModelTablesProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ??
      new Key(this, 'Key', {
        description: `Stratus ${props.stage}: encryption of the DynamoDB tables`,
        enableKeyRotation: true,
        removalPolicy,
        pendingWindow: Duration.days(30),
      });
    const entries = (Object.keys(TABLES) as TableId[]).map((tableId) => {
      const table = this.buildTable(tableId, TABLES[tableId], props, removalPolicy);
      return [tableId, table] as const;
    });
    this.tables = Object.fromEntries(entries) as Record<TableId, Table>;
  }

  private buildTable(tableId: TableId, def: TableDefinition, props: ModelTablesProps, removalPolicy: RemovalPolicy): Table {
    const table = new Table(this, tableId, {
      tableName: physicalName(props.stage, def.id),
      partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
      sortKey: def.sortKey ? { name: def.sortKey, type: AttributeType.STRING } : undefined,
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: def.ttlAttribute,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
      ...props.tableOverrides?.[tableId],
    });
    for (const index of def.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }
}
