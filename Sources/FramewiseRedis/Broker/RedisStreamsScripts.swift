/// The Lua scripts that make the broker's multi-step operations atomic on the server.
///
/// All of them end by trimming the stream below its "floor": the oldest entry some group still
/// needs. Per group that is the smallest pending id (`XPENDING` summary) or, with nothing
/// pending, the id right after its last-delivered id. Everything below the lowest floor over
/// all groups has been acked by every group, so `XTRIM MINID <floor>` drops only finished work.
/// A stream without groups is never trimmed.
enum RedisStreamsScripts {
    static let trimFunction = """
        local function parse_id(id)
          local ms, seq = string.match(id, '^(%d+)-(%d+)$')
          return tonumber(ms), tonumber(seq)
        end
        local function id_less(a, b)
          local am, as = parse_id(a)
          local bm, bs = parse_id(b)
          if am ~= bm then return am < bm end
          return as < bs
        end
        local function successor(id)
          local ms, seq = string.match(id, '^(%d+)-(%d+)$')
          return ms .. '-' .. string.format('%.0f', tonumber(seq) + 1)
        end
        local function trim_acked(key)
          if redis.call('EXISTS', key) == 0 then return 0 end
          local groups = redis.call('XINFO', 'GROUPS', key)
          if #groups == 0 then return 0 end
          local floor = nil
          for _, g in ipairs(groups) do
            local info = {}
            for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
            local candidate
            if info['pending'] > 0 then
              candidate = redis.call('XPENDING', key, info['name'])[2]
            else
              candidate = successor(info['last-delivered-id'])
            end
            if floor == nil or id_less(candidate, floor) then floor = candidate end
          end
          return redis.call('XTRIM', key, 'MINID', floor)
        end

        """

    /// KEYS[1] stream; ARGV[1] bound; ARGV[2...] payloads.
    /// Trims, then appends as many payloads as fit under the bound, all or some.
    /// Returns `{room left, id, id, ...}`.
    static let publish = trimFunction + """
        trim_acked(KEYS[1])
        local room = tonumber(ARGV[1]) - redis.call('XLEN', KEYS[1])
        local n = math.min(#ARGV - 1, math.max(room, 0))
        local out = {math.max(room - n, 0)}
        for i = 1, n do out[i + 1] = redis.call('XADD', KEYS[1], '*', 'm', ARGV[i + 1]) end
        return out
        """

    /// KEYS[1] stream; ARGV[1] group; ARGV[2...] ids. Acks each id, then trims.
    /// Returns 1 (acked) or 0 (was not pending) per id.
    static let ack = trimFunction + """
        local out = {}
        for i = 2, #ARGV do out[i - 1] = redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) end
        trim_acked(KEYS[1])
        return out
        """

    /// KEYS[1] stream, KEYS[2] dead-letter stream; ARGV: group, id, error, topic, dead max length (0: none).
    /// Copies the pending entry (its original payload, the error, its delivery count) to the
    /// dead-letter stream, acks it, trims. Returns the delivery count, or 0 when it was not pending.
    static let deadLetter = trimFunction + """
        local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
        if #p == 0 then return 0 end
        local count = p[1][4]
        local payload = ''
        local entry = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
        if #entry > 0 then
          local fields = entry[1][2]
          for i = 1, #fields, 2 do if fields[i] == 'm' then payload = fields[i + 1] end end
        end
        local fields = {'id', ARGV[2], 'topic', ARGV[4], 'group', ARGV[1], 'error', ARGV[3], 'deliveries', count, 'm', payload}
        if tonumber(ARGV[5]) > 0 then
          redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', unpack(fields))
        else
          redis.call('XADD', KEYS[2], '*', unpack(fields))
        end
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        trim_acked(KEYS[1])
        return count
        """
}
