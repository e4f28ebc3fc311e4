export { OutboundPolicy, OutboundRequestError, OutboundTargetRefusedError, describeFailure, type OutboundPost, type Resolver } from './outbound.js';
export {
  EMPTY_ALLOW_LIST, addressPermitted, hostAllowListed, isPublicAddress, judgeUrl, parseOutboundAllowList, type OutboundAllowList, type UrlVerdict,
} from './targetPolicy.js';
