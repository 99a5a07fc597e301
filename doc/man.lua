-- SPDX-License-Identifier: (GPL-2.0-only OR MIT)
--
-- A pandoc filter that makes tracer(1) out of the reference in doc/*.md
-- (doc/CMakeLists.txt runs it), so that one text reads well on the web and
-- in man(1):
--  - a level-1 heading is a man section: its words in capitals (SH NAME);
--  - a list whose every item starts with a code span and a line break
--    ("- `--pid PID`\" then the text) is a list of tagged paragraphs, as man
--    pages show options (TP);
--  - a link to a file of the page is its text, since every section is here;
--    a link to another file of the sources, its text and that file's path;
--  - the README's Examples section becomes the page's EXAMPLES, before
--    SEE ALSO (metadata "readme": the README's path).

-- The basenames of the files the page is made of.
local page_files = {}
for _, f in ipairs(PANDOC_STATE.input_files) do
	page_files[f:match("([^/]+)$")] = true
end

local function is_url(target)
	return target:match("^%a[%w+.-]*:") ~= nil
end

-- A path relative to doc/ made relative to the top of the sources.
local function source_path(path)
	if path:sub(1, 3) == "../" then
		return path:sub(4)
	end
	return "doc/" .. path
end

local function link(el)
	if is_url(el.target) then
		-- "text (URL)", as pandoc writes it, but a long URL may break after a
		-- slash (\:) rather than stick out of the line.
		local url = el.target:gsub("\\", "\\e"):gsub("/", "/\\:")
		local out = pandoc.List:new(el.content)
		out:insert(pandoc.Space())
		out:insert(pandoc.RawInline("man", "(" .. url .. ")"))
		return out
	end
	local path = el.target:gsub("#.*$", "")
	if path == "" or page_files[path:match("([^/]+)$")] then
		return el.content
	end
	local out = pandoc.List:new(el.content)
	out:insert(pandoc.Space())
	out:insert(pandoc.Str("(" .. source_path(path) .. ")"))
	return out
end

local function header(h)
	if h.level ~= 1 then
		return nil
	end
	return pandoc.walk_block(h, {
		Str = function(s)
			return pandoc.Str(s.text:upper())
		end,
	})
end

-- "`term`\ text..." -> term, the blocks of the text; nil for another shape.
local function split_item(blocks)
	local first = blocks[1]
	if not first or (first.t ~= "Plain" and first.t ~= "Para") then
		return nil
	end
	local inlines = first.content
	if #inlines == 0 or inlines[1].t ~= "Code" then
		return nil
	end
	local term, text, seen_break = pandoc.List:new(), pandoc.List:new(), false
	for _, x in ipairs(inlines) do
		if seen_break then
			text:insert(x)
		elseif x.t == "LineBreak" then
			seen_break = true
		else
			term:insert(x)
		end
	end
	if not seen_break then
		return nil
	end
	local body = pandoc.List:new({ pandoc.Para(text) })
	for i = 2, #blocks do
		body:insert(blocks[i])
	end
	return term, body
end

local function bullet_list(list)
	local items = {}
	for _, blocks in ipairs(list.content) do
		local term, body = split_item(blocks)
		if not term then
			return nil
		end
		table.insert(items, { term, { body } })
	end
	return pandoc.DefinitionList(items)
end

-- The blocks of the README's "Examples" section, links made relative to doc/.
local function readme_examples(path)
	local f = io.open(path, "r")
	if not f then
		error("man.lua: cannot read " .. path)
	end
	local doc = pandoc.read(f:read("a"), "gfm")
	f:close()
	local out, inside = pandoc.List:new(), false
	for _, b in ipairs(doc.blocks) do
		if b.t == "Header" and b.level <= 2 then
			if inside then
				break
			end
			inside = pandoc.utils.stringify(b) == "Examples"
		elseif inside then
			out:insert(pandoc.walk_block(b, {
				Link = function(l)
					if not is_url(l.target) then
						local t = l.target
						l.target = t:sub(1, 4) == "doc/" and t:sub(5) or "../" .. t
					end
					return l
				end,
			}))
		end
	end
	if #out == 0 then
		error("man.lua: no Examples section in " .. path)
	end
	return out
end

local function add_examples(doc)
	local readme = doc.meta.readme and pandoc.utils.stringify(doc.meta.readme)
	if not readme then
		return nil
	end
	local examples = readme_examples(readme)
	local blocks, done = pandoc.List:new(), false
	for _, b in ipairs(doc.blocks) do
		if not done and b.t == "Header" and b.level == 1
		    and pandoc.utils.stringify(b):upper() == "SEE ALSO" then
			blocks:insert(pandoc.Header(1, "Examples"))
			blocks:extend(examples)
			done = true
		end
		blocks:insert(b)
	end
	if not done then
		error("man.lua: no SEE ALSO section to put the examples before")
	end
	doc.blocks = blocks
	return doc
end

-- Inline code as groff text: its hyphens are minus signs (\-), which groff
-- renders as "-" and never breaks a line at, so that "--max-arg-bytes" stays
-- whole and can be copied; the rest escaped as pandoc escapes it.
local code_escapes = {
	["\\"] = "\\e", ["-"] = "\\-", ["'"] = "\\[aq]", ["`"] = "\\[ga]",
	['"'] = "\\[dq]", ["~"] = "\\[ti]", ["^"] = "\\[ha]",
}

local function code(c)
	local out = {}
	for _, cp in utf8.codes(c.text) do
		local ch = utf8.char(cp)
		if cp > 127 then
			ch = string.format("\\[u%04X]", cp)
		end
		table.insert(out, code_escapes[ch] or ch)
	end
	-- "#!" or "e.g." before a space is not the end of a sentence (\&).
	local tail = c.text:match("[.!?]$") and "\\&" or ""
	return pandoc.RawInline("man", "\\f[V]" .. table.concat(out) .. tail .. "\\f[R]")
end

-- A table starts on a page with room for all of it: groff's tbl warns when
-- a table's text block would cross a page (man(1) renders pages at some
-- widths), and where that falls moves with every paragraph written above.
local function table_block(t)
	return { pandoc.RawBlock("man", ".ne 30"), t }
end

-- In this order: the list shapes are recognised by their code spans, which
-- the last pass turns into groff text.
return {
	{ Pandoc = add_examples },
	{ Link = link, Header = header, BulletList = bullet_list, Table = table_block },
	{ Code = code },
}
