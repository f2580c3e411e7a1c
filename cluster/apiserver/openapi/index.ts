export { createOpenAPIService, V2_PROTOBUF_ACCEPT, V2_PROTOBUF_CONTENT_TYPE } from './service.js';
export type { OpenAPIService, OpenAPIV2Response, OpenAPIV3Response, OpenAPIV3Index } from './service.js';
export type { CustomResourceSchema, JSONSchema, GroupVersionKind } from './definitions.js';
export { builtinDefinitions, customResourceDefinitionName } from './definitions.js';
export { documentType as gnosticDocumentType } from './gnostic-proto.js';
