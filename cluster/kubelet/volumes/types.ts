/** What the volume manager needs from the API: reads of ConfigMaps, Secrets, claims and volumes, and TokenRequests. */
import type { RestClient } from '../../client/index.js';

export type VolumeApiClient = Pick<RestClient, 'get' | 'create'>;
