/**
 * The MCP bridge: plugin tools served to AI agents over stdio or Streamable HTTP. Anything
 * exported here is public API.
 */
export { createMcpServer, type McpCallContext, type McpServerOptions } from './server.js';
export { createMcpHttpHandler, type McpHttpHandler, type McpHttpOptions } from './http.js';
export {
  TOOLS_CHANGED_EVENT, wardenToolSource,
  type SourceCallOptions, type SourceTool, type ToolSource, type WardenToolSourceOptions,
} from './tool-source.js';
export {
  MAX_MCP_TOOL_NAME_LENGTH, MCP_TOOL_NAME, NAME_SEPARATOR, assignToolNames, buildCatalog, errorResult, inputSchemaOf, outputResult,
  type ToolCatalog, type ToolRef,
} from './tools.js';
