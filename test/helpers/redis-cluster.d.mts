/** Types of redis-cluster.mjs (shared with the plain-Node benches). */
export interface RedisCluster {
  nodes: Array<{ host: string; port: number; pid: number }>;
  /** The REDIS_CLUSTER_NODES value: `127.0.0.1:P1,127.0.0.1:P2,…`. */
  spec: string;
  dir: string;
  /** Why a node exited before stop() (with the end of its log), or undefined while all run. */
  failure(): string | undefined;
  /** Stops every node and removes their directory (idempotent). */
  stop(): Promise<void>;
}

/** Why a cluster cannot be started here (redis-server or redis-cli missing), or undefined. */
export function clusterUnavailable(): string | undefined;

export function startRedisCluster(options?: { masters?: number; timeoutMs?: number }): Promise<RedisCluster>;
