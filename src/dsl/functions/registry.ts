/** Every intrinsic function by name. */
import { concat } from './concat';
import type { FunctionDefinition } from './definition';
import { getAttribute, getAttributesDict, getAttributesList } from './get-attribute';
import { getCapability, getEnvironmentCapability, getGroupCapability } from './get-capability';
import { getConsumers } from './get-consumers';
import { getInput } from './get-input';
import { getLabel } from './get-label';
import { getProperty } from './get-property';
import { getSecret } from './get-secret';
import { getSys } from './get-sys';
import { merge } from './merge';
import type { FunctionName } from './names';
import { stringFind, stringLower, stringReplace, stringSplit, stringUpper } from './strings';

export const FUNCTIONS: Record<FunctionName, FunctionDefinition> = {
  get_input: getInput,
  get_property: getProperty,
  concat,
  merge,
  string_find: stringFind,
  string_replace: stringReplace,
  string_split: stringSplit,
  string_lower: stringLower,
  string_upper: stringUpper,
  get_attribute: getAttribute,
  get_attributes_list: getAttributesList,
  get_attributes_dict: getAttributesDict,
  get_secret: getSecret,
  get_capability: getCapability,
  get_group_capability: getGroupCapability,
  get_environment_capability: getEnvironmentCapability,
  get_label: getLabel,
  get_sys: getSys,
  get_consumers: getConsumers,
};
