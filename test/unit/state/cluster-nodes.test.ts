import { describe, expect, it } from 'vitest';
import { parseClusterNodes } from '../../../src/state/cluster.js';
import { RedisConfigError } from '../../../src/state/redis-config.js';

describe('REDIS_CLUSTER_NODES', () => {
  it('is unset when empty', () => {
    expect(parseClusterNodes(undefined)).toBeUndefined();
    expect(parseClusterNodes(' , ')).toBeUndefined();
  });

  it('takes host:port entries, 6379 by default', () => {
    expect(parseClusterNodes('10.0.0.1:7000, redis-b ,[::1]:7002')).toEqual({
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: 'redis-b', port: 6379 }, { host: '::1', port: 7002 }],
      options: {},
    });
  });

  it('takes credentials and TLS from the first URL for every node', () => {
    expect(parseClusterNodes('rediss://app:s%40cret@a.example:6380,b.example:6380')).toEqual({
      nodes: [{ host: 'a.example', port: 6380 }, { host: 'b.example', port: 6380 }],
      options: { username: 'app', password: 's@cret', tls: {} },
    });
  });

  it('refuses what is not a Redis address, without echoing a password', () => {
    expect(() => parseClusterNodes('http://a:1')).toThrow(RedisConfigError);
    expect(() => parseClusterNodes('redis://u:hunter2@a:99999')).toThrow(/u:\*\*\*@/);
  });
});
