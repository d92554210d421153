/// Lua scripts of `RedisJobStore`. Each runs atomically in Redis and first checks that the job
/// is alive, that the write comes from the job's current epoch and that the video's result is
/// not yet written (`guard`), so a late or redelivered message of a finished video, of an
/// abandoned or lost job, or of an epoch before the job was started over never recreates state.
/// KEYS[1] is the job hash, KEYS[2] the set of written videos, ARGV[1] the video index, ARGV[2]
/// the epoch; each script's own arguments start at ARGV[3].
enum RedisJobScripts {
    static let guardPrefix = """
        if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[2] or redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return GUARD end

        """

    static func guarded(_ body: String, otherwise: String) -> String {
        guardPrefix.replacingOccurrences(of: "GUARD", with: otherwise) + body
    }

    /// KEYS[3] frame hash; ARGV[3] "index time readyAt". Returns 1 while the frame still has to be
    /// handed to the root stages, 0 when it was, -1 when the video or job is gone.
    static let frameDecoded = guarded("""
        redis.call('HSETNX', KEYS[3], 'i', ARGV[3])
        if redis.call('HEXISTS', KEYS[3], 'p:@roots') == 1 then return 0 end
        return 1
        """, otherwise: "-1")

    /// KEYS[3] frame hash; ARGV[3...] stage names.
    static let markPublished = guarded("""
        if redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
        for i = 3, #ARGV do redis.call('HSET', KEYS[3], 'p:' .. ARGV[i], '1') end
        return 1
        """, otherwise: "0")

    /// KEYS[3] frame hash, KEYS[4] video hash, KEYS[5] finished stream.
    /// ARGV: [3] stage count, [4] now, [5] late 0/1, [6] stage timed, [7] n outputs, then
    /// (stage, bytes) pairs, then n candidates, then (stage, n deps, deps...) per candidate,
    /// then n time fields, then (field, value) pairs. Returns the candidates now ready.
    static let record = guarded("""
        local frame, video, done = KEYS[3], KEYS[4], KEYS[5]
        if redis.call('EXISTS', frame) == 0 or redis.call('HEXISTS', video, 'finished') == 1 then return {} end
        local stageCount = tonumber(ARGV[3])
        local i = 7
        local n = tonumber(ARGV[i]); i = i + 1
        local new = 0
        for k = 1, n do
          if redis.call('HSETNX', frame, 'o:' .. ARGV[i], ARGV[i + 1]) == 1 then new = new + 1 end
          i = i + 2
        end
        local m = tonumber(ARGV[i]); i = i + 1
        local ready = {}
        for k = 1, m do
          local stage = ARGV[i]
          local nd = tonumber(ARGV[i + 1])
          i = i + 2
          local ok = redis.call('HEXISTS', frame, 'o:' .. stage) == 0 and redis.call('HEXISTS', frame, 'p:' .. stage) == 0
          for d = 1, nd do
            if ok and redis.call('HEXISTS', frame, 'o:' .. ARGV[i]) == 0 then ok = false end
            i = i + 1
          end
          if ok then ready[#ready + 1] = stage end
        end
        if new > 0 then
          local nt = tonumber(ARGV[i]); i = i + 1
          for k = 1, nt do
            redis.call('HINCRBYFLOAT', video, 't:' .. ARGV[6] .. ':' .. ARGV[i], ARGV[i + 1])
            i = i + 2
          end
          if ARGV[5] == '1' then redis.call('HSET', frame, 'late', '1') end
          local outs = redis.call('HINCRBY', frame, 'n', new)
          if outs >= stageCount and redis.call('HSETNX', frame, 'c', ARGV[4]) == 1 then
            local framesDone = redis.call('HINCRBY', video, 'done', 1)
            local total = redis.call('HGET', video, 'total')
            if total and framesDone >= tonumber(total) and redis.call('HSETNX', video, 'finished', '1') == 1 then
              redis.call('XADD', done, '*', 'video', ARGV[1])
            end
          end
        end
        return ready
        """, otherwise: "{}")

    /// KEYS[3] video hash, KEYS[4] finished stream; ARGV [3] frames, [4] decoded, [5] decode seconds.
    static let videoDecoded = guarded("""
        local video = KEYS[3]
        if redis.call('HEXISTS', video, 'finished') == 1 then return 0 end
        redis.call('HSET', video, 'total', ARGV[3], 'decoded', ARGV[4], 'decodeSeconds', ARGV[5], 'media', ARGV[6] or '')
        local done = tonumber(redis.call('HGET', video, 'done') or '0')
        if done >= tonumber(ARGV[3]) and redis.call('HSETNX', video, 'finished', '1') == 1 then
          redis.call('XADD', KEYS[4], '*', 'video', ARGV[1])
          return 1
        end
        return 0
        """, otherwise: "0")

    /// KEYS[3] video hash, KEYS[4] finished stream; ARGV[3] error.
    static let fail = guarded("""
        local video = KEYS[3]
        redis.call('HSETNX', video, 'error', ARGV[3])
        if redis.call('HSETNX', video, 'finished', '1') == 1 then
          redis.call('XADD', KEYS[4], '*', 'video', ARGV[1])
          return 1
        end
        return 0
        """, otherwise: "0")

    /// KEYS[3] video hash. 1 when finished, or when the job, its epoch or the video's result is gone.
    static let isFinished = guarded("""
        return redis.call('HEXISTS', KEYS[3], 'finished')
        """, otherwise: "1")

    /// KEYS[1] the store's token key; ARGV[1] a fresh token. Returns the token, setting it first
    /// when missing.
    static let storeEpoch = """
        local token = redis.call('GET', KEYS[1])
        if token then return token end
        redis.call('SET', KEYS[1], ARGV[1])
        return ARGV[1]
        """
}
