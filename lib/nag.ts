/**
 * Helpers to acknowledge cdk-nag findings precisely. IAM5 (wildcard permissions) reports one finding
 * per wildcard action or resource, named like `Resource::<ModelTable1234.Arn>/index/*`; acknowledging
 * exactly that finding keeps every other wildcard in the same policy reported.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A resolved CloudFormation value written the way cdk-nag names findings: `<Logical.Attr>`, `<Ref>`. */
export function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o['Fn::Join']) {
      const [separator, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flattenReference).join(separator);
    }
    if (o['Fn::Sub']) return flattenReference(o['Fn::Sub']);
    if (o['Fn::GetAtt']) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
    }
    if (o.Ref) return `<${flattenReference(o.Ref)}>`;
  }
  return JSON.stringify(value);
}

/** Acknowledges the IAM5 finding for one wildcard resource ARN granted to `principal`. */
export function acknowledgeWildcardResource(principal: IConstruct, resourceArn: string, reason: string): void {
  const finding = `Resource::${flattenReference(Stack.of(principal).resolve(resourceArn))}`;
  Validations.of(principal).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
}

/** Acknowledges the IAM5 finding for one wildcard action granted to `principal`. */
export function acknowledgeWildcardAction(principal: IConstruct, action: string, reason: string): void {
  Validations.of(principal).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason });
}
