-- The hotdesk signalling dissector's engine (docs/protocol.md). wireshark/generate.ts puts the codec's
-- tables (message types, their body layouts, enumerations, header constants) where the marker line
-- below stands, and writes the whole as wireshark/hotdesk.lua: edit this file or the codec, never the
-- output. The engine interprets those tables, so a new message type or field needs nothing here.
--
-- It decodes what crosses the wire: the clear key exchange, every clear message by name with every
-- field, and the sealed datagram's header (its contents need the session keys: `hotdesk pcap unseal`
-- rewrites a capture into clear datagrams with the HOTDESK_KEYLOG file). A datagram the firmware would
-- drop is marked with an expert error (group Malformed) named after the decoder's reason.

--@@GENERATED-TABLES@@

local hd = Proto("hotdesk", "hotdesk signalling")

-- ---- fields ----------------------------------------------------------------------------------------

local F = {
  msg = ProtoField.string("hotdesk.msg", "Message"),
  magic = ProtoField.uint16("hotdesk.magic", "Magic", base.HEX),
  version = ProtoField.uint8("hotdesk.version", "Version"),
  type = ProtoField.uint8("hotdesk.type", "Type", base.HEX, TYPE_NAMES),
  flags = ProtoField.uint8("hotdesk.flags", "Flags", base.HEX),
  reserved = ProtoField.uint8("hotdesk.reserved", "Reserved", base.HEX),
  txid = ProtoField.uint32("hotdesk.txid", "Transaction id", base.HEX),
  length = ProtoField.uint16("hotdesk.length", "Body length"),
  body = ProtoField.bytes("hotdesk.body", "Body"),
  sealed = ProtoField.bytes("hotdesk.sealed", "Sealed"),
  s_magic = ProtoField.uint16("hotdesk.sealed.magic", "Magic", base.HEX),
  s_version = ProtoField.uint8("hotdesk.sealed.version", "Version"),
  s_reserved = ProtoField.uint8("hotdesk.sealed.reserved", "Reserved", base.HEX),
  s_session = ProtoField.bytes("hotdesk.sealed.session", "Session"),
  s_seq = ProtoField.uint64("hotdesk.sealed.seq", "Sequence"),
  s_length = ProtoField.uint32("hotdesk.sealed.length", "Sealed length"),
  s_tag = ProtoField.bytes("hotdesk.sealed.tag", "GCM tag"),
}
for _, flag in ipairs(FLAGS) do
  F["flag_" .. flag.name] = ProtoField.bool("hotdesk.flags." .. flag.abbrev, flag.label, 8, nil, flag.mask)
end

-- one field per message field, named hotdesk.<message>.<field> (hyphens as underscores)
local function abbrev(name)
  return (name:gsub("%-", "_"))
end

local BOOL_NAMES = { [0] = "false", [1] = "true" }

for _, m in pairs(MESSAGES) do
  -- the body's subtree: `hotdesk.call_setup` filters the call-setup messages
  m.pf = ProtoField.none("hotdesk." .. abbrev(m.name), m.name)
  for _, fd in ipairs(m.fields) do
    local a = "hotdesk." .. abbrev(m.name) .. "." .. fd.name
    local k = fd.kind
    if k == "u8" then fd.pf = ProtoField.uint8(a, fd.name)
    elseif k == "u16" then fd.pf = ProtoField.uint16(a, fd.name)
    elseif k == "u32" then fd.pf = ProtoField.uint32(a, fd.name)
    elseif k == "u48" then fd.pf = ProtoField.uint64(a, fd.name)
    elseif k == "enum" then fd.pf = ProtoField.uint8(a, fd.name, base.DEC, fd.values)
    elseif k == "bool" then fd.pf = ProtoField.uint8(a, fd.name, base.DEC, BOOL_NAMES)
    elseif k == "mac" then fd.pf = ProtoField.ether(a, fd.name)
    elseif k == "ipv4" then fd.pf = ProtoField.ipv4(a, fd.name)
    elseif k == "bytes" or k == "bytes16" then fd.pf = ProtoField.bytes(a, fd.name)
    elseif k == "str" then fd.pf = ProtoField.string(a, fd.name)
    elseif k == "strlist" then
      fd.pf = ProtoField.string(a, fd.name)
      fd.count_pf = ProtoField.uint8(a .. "_count", fd.name .. " (count)")
    else error("hotdesk.lua: unknown field kind " .. tostring(k)) end
  end
end

local all_fields = {}
for _, pf in pairs(F) do all_fields[#all_fields + 1] = pf end
for _, m in pairs(MESSAGES) do
  all_fields[#all_fields + 1] = m.pf
  for _, fd in ipairs(m.fields) do
    all_fields[#all_fields + 1] = fd.pf
    if fd.count_pf then all_fields[#all_fields + 1] = fd.count_pf end
  end
end
hd.fields = all_fields

-- one expert per reason the decoders drop a datagram for, named hotdesk.<reason>
local E = {}
local all_experts = {}
for _, reason in ipairs(FAILURES) do
  E[reason.name] = ProtoExpert.new("hotdesk." .. reason.name, reason.text, expert.group.MALFORMED, expert.severity.ERROR)
  all_experts[#all_experts + 1] = E[reason.name]
end
E.retransmit = ProtoExpert.new("hotdesk.retransmit", "Retransmission of a request", expert.group.SEQUENCE, expert.severity.NOTE)
all_experts[#all_experts + 1] = E.retransmit
hd.experts = all_experts

-- ---- helpers ---------------------------------------------------------------------------------------

-- well-formed UTF-8 as the firmware's decoder (TextDecoder, fatal) wants it: no overlong forms, no
-- surrogates, nothing past U+10FFFF
local function valid_utf8(s)
  local i, n = 1, #s
  while i <= n do
    local c = s:byte(i)
    local need, lo, hi = 0, 0x80, 0xbf
    if c < 0x80 then need = 0
    elseif c >= 0xc2 and c <= 0xdf then need = 1
    elseif c >= 0xe0 and c <= 0xef then
      need = 2
      if c == 0xe0 then lo = 0xa0 elseif c == 0xed then hi = 0x9f end
    elseif c >= 0xf0 and c <= 0xf4 then
      need = 3
      if c == 0xf0 then lo = 0x90 elseif c == 0xf4 then hi = 0x8f end
    else return false end
    if i + need > n then return false end
    for j = 1, need do
      local cj = s:byte(i + j)
      local l, h = 0x80, 0xbf
      if j == 1 then l, h = lo, hi end
      if cj < l or cj > h then return false end
    end
    i = i + 1 + need
  end
  return true
end

-- the trace's rendering of a string value (firmware/signalling/summary.ts): quoted when empty or spaced
local function show(s)
  if s == "" or s:find('[%s"=%[%],]') then return '"' .. s:gsub('[\\"]', '\\%0') .. '"' end
  return s
end

local function hex(s)
  return (s:gsub(".", function(ch) return string.format("%02x", ch:byte()) end))
end

-- "req", "req+ack", "req+ack retx", "rsp", "ntf", as the trace names the transaction role
local function role(flags)
  if bit32.band(flags, FLAG.response) ~= 0 then return "rsp" end
  if bit32.band(flags, FLAG.request) == 0 then return "ntf" end
  local r = "req"
  if bit32.band(flags, FLAG.ack_needed) ~= 0 then r = r .. "+ack" end
  if bit32.band(flags, FLAG.retransmit) ~= 0 then r = r .. " retx" end
  return r
end

-- why a flags byte is impossible (the codec's flagsProblem), or nil
local function flags_problem(flags)
  local request = bit32.band(flags, FLAG.request) ~= 0
  if request and bit32.band(flags, FLAG.response) ~= 0 then return "REQUEST and RESPONSE together" end
  if not request and bit32.band(flags, FLAG.ack_needed) ~= 0 then return "ACK-NEEDED without REQUEST" end
  if not request and bit32.band(flags, FLAG.retransmit) ~= 0 then return "RETRANSMIT without REQUEST" end
  return nil
end

-- ---- the body: one field after another, as the body layout says --------------------------------------

-- Adds field fd at off; returns the offset after it and a summary text, or nil and a failure
-- (reason, detail, the offset to point the error at).
local function add_field(tvb, tree, fd, off, last)
  local k = fd.kind
  local left = last - off
  local function need(n, what)
    if left < n then return false, "truncated", string.format("%s needs %d bytes at %d, has %d", what, n, off, left) end
    return true
  end
  local fixed = fd.size
  if fixed then
    local ok, reason, detail = need(fixed, fd.name)
    if not ok then return nil, reason, detail end
    local r = tvb(off, fixed)
    local item = tree:add(fd.pf, r)
    if k == "enum" and fd.values[r:uint()] == nil then
      item:add_proto_expert_info(E["bad-enum"], string.format("bad-enum: %s code %d", fd.name, r:uint()))
      return nil, "bad-enum", nil
    end
    if k == "bool" and r:uint() > 1 then
      item:add_proto_expert_info(E["bad-value"], string.format("bad-value: %s is %d, not 0/1", fd.name, r:uint()))
      return nil, "bad-value", nil
    end
    local text
    if k == "enum" then text = fd.values[r:uint()]
    elseif k == "bool" then text = BOOL_NAMES[r:uint()]
    elseif k == "u48" then text = tostring(r:uint64())
    elseif k == "mac" then text = (hex(r:raw()):gsub("..", "%0:"):sub(1, -2))
    elseif k == "ipv4" then text = tostring(r:ipv4())
    elseif k == "bytes" then text = string.format("<%d bytes>", fixed)
    else text = tostring(r:uint()) end
    return off + fixed, text
  end
  if k == "str" then
    local ok, reason, detail = need(1, fd.name .. " length")
    if not ok then return nil, reason, detail end
    local n = tvb(off, 1):uint()
    ok, reason, detail = need(1 + n, fd.name)
    if not ok then return nil, reason, detail end
    local s = n > 0 and tvb:raw(off + 1, n) or ""
    local item = tree:add(fd.pf, tvb(off, 1 + n), s)
    if not valid_utf8(s) then
      item:add_proto_expert_info(E["bad-utf8"], string.format("bad-utf8: %s is not well-formed UTF-8", fd.name))
      return nil, "bad-utf8", nil
    end
    return off + 1 + n, show(s)
  end
  if k == "bytes16" then
    local ok, reason, detail = need(2, fd.name .. " length")
    if not ok then return nil, reason, detail end
    local n = tvb(off, 2):uint()
    ok, reason, detail = need(2 + n, fd.name)
    if not ok then return nil, reason, detail end
    tree:add(fd.pf, tvb(off, 2 + n), n > 0 and tvb:raw(off + 2, n) or "")
    return off + 2 + n, string.format("<%d bytes>", n)
  end
  if k == "strlist" then
    local ok, reason, detail = need(1, fd.name .. " count")
    if not ok then return nil, reason, detail end
    local count = tvb(off, 1):uint()
    tree:add(fd.count_pf, tvb(off, 1))
    local at, texts = off + 1, {}
    for i = 1, count do
      local item = { name = fd.name .. "[" .. (i - 1) .. "]", kind = "str", pf = fd.pf }
      local next_at, text, d = add_field(tvb, tree, item, at, last)
      if not next_at then return nil, text, d end
      texts[#texts + 1] = text
      at = next_at
    end
    return at, "[" .. table.concat(texts, ",") .. "]"
  end
  error("hotdesk.lua: unknown field kind " .. tostring(k))
end

-- ---- a clear datagram ------------------------------------------------------------------------------

local function fail(item, reason, detail, pinfo)
  item:add_proto_expert_info(E[reason], reason .. ": " .. detail)
  pinfo.cols.info:append(" [Malformed: " .. reason .. "]")
end

local function dissect_clear(tvb, pinfo, root)
  local len = tvb:len()
  local tree = root:add(hd, tvb(), "hotdesk signalling")
  if len < HEADER.bytes then
    pinfo.cols.info:set("hotdesk")
    fail(tree, "too-short", string.format("%d bytes, a header is %d", len, HEADER.bytes), pinfo)
    return
  end
  local magic_item = tree:add(F.magic, tvb(HEADER.magic, 2))
  if tvb(HEADER.magic, 2):uint() ~= HEADER.magic_value then
    pinfo.cols.info:set("hotdesk")
    fail(magic_item, "bad-magic", string.format("0x%04x", tvb(HEADER.magic, 2):uint()), pinfo)
    return
  end
  local version_item = tree:add(F.version, tvb(HEADER.version, 1))
  local code = tvb(HEADER.type, 1):uint()
  local m = MESSAGES[code]
  local type_item = tree:add(F.type, tvb(HEADER.type, 1))
  local flags = tvb(HEADER.flags, 1):uint()
  local flags_item = tree:add(F.flags, tvb(HEADER.flags, 1))
  for _, flag in ipairs(FLAGS) do flags_item:add(F["flag_" .. flag.name], tvb(HEADER.flags, 1)) end
  tree:add(F.reserved, tvb(HEADER.reserved, 1))
  local txid = tvb(HEADER.txid, 4):uint()
  tree:add(F.txid, tvb(HEADER.txid, 4))
  local declared = tvb(HEADER.length, 2):uint()
  local length_item = tree:add(F.length, tvb(HEADER.length, 2))
  local name = m and m.name or string.format("type 0x%02x", code)
  pinfo.cols.info:set(role(flags) .. " " .. name)
  tree:append_text(": " .. name)
  if tvb(HEADER.version, 1):uint() ~= HEADER.version_value then
    fail(version_item, "bad-version", "version " .. tvb(HEADER.version, 1):uint(), pinfo)
    return
  end
  if not m then
    fail(type_item, "unknown-type", string.format("type 0x%02x", code), pinfo)
    if len > HEADER.bytes then tree:add(F.body, tvb(HEADER.bytes)) end
    return
  end
  tree:add(F.msg, tvb(HEADER.type, 1), m.name):set_generated()
  local problem = flags_problem(flags)
  if problem then fail(flags_item, "bad-flags", problem, pinfo) end
  if bit32.band(flags, FLAG.retransmit) ~= 0 and not problem then
    flags_item:add_proto_expert_info(E.retransmit)
  end
  if HEADER.bytes + declared ~= len then
    fail(length_item, "bad-length", string.format("header says %d body bytes, datagram has %d", declared, len - HEADER.bytes), pinfo)
  end
  local body = len > HEADER.bytes and tree:add(m.pf, tvb(HEADER.bytes)) or tree:add(m.pf)
  local off, parts = HEADER.bytes, {}
  for _, fd in ipairs(m.fields) do
    local next_off, text, detail = add_field(tvb, body, fd, off, len)
    if not next_off then
      -- a bad enum/bool/UTF-8 field carries its own expert already
      if detail then fail(body, text, m.name .. ": " .. detail, pinfo)
      else pinfo.cols.info:append(" [Malformed: " .. text .. "]") end
      return
    end
    parts[#parts + 1] = fd.name .. "=" .. text
    off = next_off
  end
  if off < len then
    fail(body:add(F.body, tvb(off)), "trailing-bytes", string.format("%s ends at %d of %d body bytes", m.name, off - HEADER.bytes, len - HEADER.bytes), pinfo)
  end
  if txid ~= 0 then pinfo.cols.info:append(string.format(" txid=0x%08x", txid)) end
  if #parts > 0 then pinfo.cols.info:append(" " .. table.concat(parts, " ")) end
end

-- ---- a sealed datagram -----------------------------------------------------------------------------

local function dissect_sealed(tvb, pinfo, root)
  local len = tvb:len()
  local tree = root:add(hd, tvb(), "hotdesk sealed datagram")
  tree:add(F.s_magic, tvb(SEALED.magic, 2))
  if len < SEALED.overhead then
    pinfo.cols.info:set("sealed")
    fail(tree, "sealed-short", string.format("%d bytes, at least %d", len, SEALED.overhead), pinfo)
    return
  end
  local version_item = tree:add(F.s_version, tvb(SEALED.version, 1))
  tree:add(F.s_reserved, tvb(SEALED.reserved, 1))
  local session = tvb:raw(SEALED.session, SEALED.session_bytes)
  tree:add(F.s_session, tvb(SEALED.session, SEALED.session_bytes))
  local seq = tvb(SEALED.seq, 8):uint64()
  tree:add(F.s_seq, tvb(SEALED.seq, 8))
  local n = len - SEALED.header_bytes
  tree:add(F.s_length, n):set_generated()
  local sealed_item = tree:add(F.sealed, tvb(SEALED.header_bytes, n))
  sealed_item:add(F.s_tag, tvb(len - SEALED.tag_bytes, SEALED.tag_bytes))
  pinfo.cols.info:set(string.format("sealed session %s seq %s, %d bytes", hex(session), tostring(seq), n))
  tree:append_text(string.format(": session %s, seq %s", hex(session), tostring(seq)))
  if tvb(SEALED.version, 1):uint() ~= SEALED.version_value then
    fail(version_item, "sealed-version", "version " .. tvb(SEALED.version, 1):uint(), pinfo)
  end
end

-- ---- registration ----------------------------------------------------------------------------------

local function first_two(tvb)
  if tvb:len() < 2 then return nil end
  return tvb(0, 2):uint()
end

function hd.dissector(tvb, pinfo, root)
  pinfo.cols.protocol:set("HOTDESK")
  if first_two(tvb) == SEALED.magic_value then dissect_sealed(tvb, pinfo, root)
  else dissect_clear(tvb, pinfo, root) end
  return tvb:len()
end

-- Another port (a `call_srv` that names one, a cluster element's): claims only what looks like ours,
-- a known message type in clear or a sealed datagram of our version.
local function heuristic(tvb, pinfo, root)
  local len = tvb:len()
  local magic = first_two(tvb)
  if magic == HEADER.magic_value and len >= HEADER.bytes then
    if tvb(HEADER.version, 1):uint() ~= HEADER.version_value or not MESSAGES[tvb(HEADER.type, 1):uint()] then return false end
    if tvb(HEADER.length, 2):uint() + HEADER.bytes ~= len then return false end
  elseif magic == SEALED.magic_value and len >= SEALED.overhead then
    if tvb(SEALED.version, 1):uint() ~= SEALED.version_value or tvb(SEALED.reserved, 1):uint() ~= 0 then return false end
  else
    return false
  end
  hd.dissector(tvb, pinfo, root)
  return true
end

hd.prefs.port = Pref.uint("UDP port", PORT, "The controller's signalling port (call_srv may name another)")
local registered_port = nil
local function register_port()
  local udp = DissectorTable.get("udp.port")
  if registered_port then udp:remove(registered_port, hd) end
  registered_port = hd.prefs.port
  udp:add(registered_port, hd)
end
function hd.prefs_changed()
  if registered_port ~= hd.prefs.port then register_port() end
end
register_port()
hd:register_heuristic("udp", heuristic)
