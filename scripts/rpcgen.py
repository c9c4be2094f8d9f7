#!/usr/bin/env python3
"""scripts/rpcgen.py -- C code for the RPCs of one interface file (docs/rpc.md).

    rpcgen.py IDL OUTDIR [BASE_IDL]

For IDL = .../NAME.idl, writes OUTDIR/if/NAME.h (the method numbers, and per
method: request and response structs, their pack/unpack functions, a reply
function for deferred answers, the client stub) and OUTDIR/if/NAME.c.  A
method with scalars only both ways (is_fixed) gets a client stub that puts
its arguments straight into the words of the LMP message (rpc_call_fixed),
and a field in struct rpc_NAME_fixed_handlers, the typed handlers that the
generated rpc_NAME_fixed_dispatch calls (docs/rpc.md, sections 2 and 3);
so does one whose answer adds one capability to its scalars (is_fixed_cap:
rpc_call_fixed_cap, rpc_reply_fixed_cap; docs/rpc.md, section 2).
Without BASE_IDL the methods are numbered from 0: that is the set every
interface shares (libsys/if/base.idl: BIND, ECHO, the service-control
methods).  With it, they are numbered after the shared set, so one
handler table of RPC_NAME_COUNT entries serves both.  The format of the IDL is explained at its top; docs/rpc.md
shows what comes out.  Mistakes in the IDL are reported with their line
number and stop the build.  Only the Python 3 standard library is used.
"""
import os
import re
import sys

MAX_SCALARS = 8                 # RPC_MAX_SCALARS (libsys/include/sys/rpc_wire.h)
MAX_METHODS = 256               # the method field of the wire header is 8 bits

SCALAR_TYPES = {'u32': 'uint32_t', 'int': 'int', 'char': 'char', 'size': 'size_t'}
BYTES_TYPES = ('str', 'buf')

LINE_RE = re.compile(r'^(rpc|notify)\s+([A-Z][A-Z0-9_]*)\s+(\S+)\s+'
                     r'(-|[a-z_][a-z0-9_]*\(([^)]*)\)(?:\s*->\s*\(([^)]*)\))?)\s*$')


class IdlError(Exception):
    pass


class Param:
    def __init__(self, kind, name):
        self.kind, self.name = kind, name


class Method:
    def __init__(self, lineno, notify, name, server, client, req, resp):
        self.lineno, self.notify, self.name = lineno, notify, name
        self.server, self.client = server, client
        self.req, self.resp = req, resp
        self.doc = []
        self.raw = req == 'raw'
        self.prefix = 'rpc_' + name.lower()


def parse_params(text, lineno, what):
    text = text.strip()
    if text == 'raw':
        return 'raw'
    params = []
    for part in [p.strip() for p in text.split(',')] if text else []:
        words = part.split()
        if len(words) != 2 or not re.match(r'^[a-z_][a-z0-9_]*$', words[1]):
            raise IdlError('line %d: %s parameter "%s" is not "type name"' % (lineno, what, part))
        kind, name = words
        if kind not in SCALAR_TYPES and kind not in BYTES_TYPES and kind != 'cap':
            raise IdlError('line %d: unknown type "%s"' % (lineno, kind))
        if name in [p.name for p in params]:
            raise IdlError('line %d: two parameters called "%s"' % (lineno, name))
        params.append(Param(kind, name))
    return params


def scalars_needed(params):
    nbytes = len([p for p in params if p.kind in BYTES_TYPES])
    return len([p for p in params if p.kind in SCALAR_TYPES]) + max(0, nbytes - 1)


def check(m):
    where = 'line %d (%s)' % (m.lineno, m.name)
    if m.raw:
        if m.resp not in (None, 'raw'):
            raise IdlError('%s: a raw request takes a raw response' % where)
        return
    if m.resp == 'raw':
        raise IdlError('%s: a raw response needs a raw request' % where)
    for params, limit, what in ((m.req, MAX_SCALARS, 'request'),
                                (m.resp or [], MAX_SCALARS - 1, 'response')):
        if scalars_needed(params) > limit:
            raise IdlError('%s: the %s needs %d scalar words, at most %d fit'
                           % (where, what, scalars_needed(params), limit))
        if len([p for p in params if p.kind == 'cap']) > 1:
            raise IdlError('%s: at most one capability per %s' % (where, what))
    if m.notify and m.resp:
        raise IdlError('%s: a notification has no response' % where)
    names = [p.name for p in m.req] + [p.name for p in m.resp or []]
    if len(set(names)) != len(names):
        raise IdlError('%s: request and response parameters need distinct names' % where)


def parse(path):
    methods = []
    with open(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip('\n')
            if not line.strip():
                continue
            if line.startswith((' ', '\t')) and line.strip().startswith('#'):
                if methods and not methods[-1].doc_closed:
                    methods[-1].doc.append(line.strip()[1:].strip())
                continue
            if line.lstrip().startswith('#'):
                if methods:
                    methods[-1].doc_closed = True
                continue
            m = LINE_RE.match(line)
            if not m:
                raise IdlError('line %d: cannot read "%s"' % (lineno, line.strip()))
            kind, name, server, sig, req, resp = m.groups()
            if sig == '-':
                meth = Method(lineno, kind == 'notify', name, server, None, 'raw', None)
            else:
                client = sig.split('(')[0]
                meth = Method(lineno, kind == 'notify', name, server, client,
                              parse_params(req, lineno, 'request'),
                              parse_params(resp, lineno, 'response') if resp is not None else None)
            meth.doc_closed = False
            if name in [x.name for x in methods]:
                raise IdlError('line %d: method %s twice' % (lineno, name))
            check(meth)
            methods.append(meth)
    if len(methods) > MAX_METHODS:
        raise IdlError('%d methods: the wire format has room for %d' % (len(methods), MAX_METHODS))
    return methods


# ---- C code -----------------------------------------------------------------

HEADER = '/* Generated by scripts/rpcgen.py from %s -- do not edit. */\n'


def field(p, out_side=False):
    if p.kind in SCALAR_TYPES:
        return ['%s %s;' % (SCALAR_TYPES[p.kind], p.name)]
    if p.kind == 'str':
        return ['const char *%s;' % p.name]
    if p.kind == 'buf':
        return ['const void *%s;' % p.name, 'size_t %s_len;' % p.name]
    return ['struct capref %s;' % p.name]


# How each type is declared as a stub's argument: {n} is its name.
C_ARGS = {  # type: (request: by value, response: by pointer)
    'str': ('const char *{n}', 'char **{n}'),
    'buf': ('const void *{n}, size_t {n}_len', 'void **{n}, size_t *{n}_len'),
    'cap': ('struct capref {n}', 'struct capref *{n}'),
}
for _kind, _ctype in SCALAR_TYPES.items():
    C_ARGS[_kind] = (_ctype + ' {n}', _ctype + ' *{n}')


def in_arg(p):
    return C_ARGS[p.kind][0].format(n=p.name)


def out_arg(p):
    return C_ARGS[p.kind][1].format(n=p.name)


def is_fixed(m):
    """A method whose request and response are scalars only (no strings,
    buffers or capability): one LMP message each way in the fixed layout,
    so its client stub writes the arguments straight into the message's
    words (rpc_call_fixed) and a server may serve it with a typed handler
    (the fixed dispatch) -- docs/rpc.md, sections 2 and 3."""
    return (not m.raw and not m.notify and m.client is not None and
            all(p.kind in SCALAR_TYPES for p in m.req + (m.resp or [])))


def is_fixed_cap(m):
    """A method whose request is scalars only and whose response is scalars
    and one capability (RAM_CAP): the same one LMP message each way, the
    answer's with the capability.  Its stub calls rpc_call_fixed_cap, and
    its typed handler's capability goes with the answer, which the dispatch
    sends itself (rpc_reply_fixed_cap) -- docs/rpc.md, section 2."""
    resp = m.resp or []
    return (not m.raw and not m.notify and m.client is not None and
            all(p.kind in SCALAR_TYPES for p in m.req) and
            len([p for p in resp if p.kind == 'cap']) == 1 and
            all(p.kind in SCALAR_TYPES or p.kind == 'cap' for p in resp))


def is_typed(m):
    """A method a server may serve with a typed handler."""
    return is_fixed(m) or is_fixed_cap(m)


def typed_proto(m, name):
    """The typed handler's declaration, as a field of the handlers struct."""
    args = ['struct rpc_chan *rc'] + [in_arg(p) for p in m.req] + [out_arg(p) for p in m.resp or []]
    return 'errval_t (*%s)(%s);' % (name, ', '.join(args))


def client_proto(m):
    if m.raw:
        return ('errval_t %s(struct rpc_chan *rc, const struct rpc_payload *req,\n'
                '    struct rpc_payload *resp)' % m.client)
    args = ['struct rpc_chan *rc'] + [in_arg(p) for p in m.req] + [out_arg(p) for p in m.resp or []]
    return 'errval_t %s(%s)' % (m.client, ', '.join(args))


def struct_decl(name, params):
    lines = ['struct %s {' % name]
    for p in params:
        lines += ['    ' + f for f in field(p)]
    return lines + ['};']


def gen_methods(methods, name, base):
    """The method numbers: RPC_<METHOD>, then RPC_<NAME>_COUNT, the length
    of the interface's handler table."""
    out = ['/* The methods of %s; a number travels in the header word. */' % name,
           'enum rpc_%s_method {' % name]
    for i, m in enumerate(methods):
        first = ' = RPC_%s_COUNT' % base.upper() if i == 0 and base else ''
        out.append('    RPC_%s%s,%s/* %s */' % (m.name, first,
                                               ' ' * max(1, 24 - len(m.name + first)), m.server))
    return out + ['    RPC_%s_COUNT' % name.upper(), '};', '']


def gen_fixed_h(fixed, name):
    """The server's typed handlers of the scalar-only methods (the shared
    ones too) and the dispatch that calls them."""
    if not fixed:
        return []
    out = ['/* ---- server: typed handlers of the scalar-only methods ----',
           ' * Each gets the request\'s scalars and fills in the response\'s; what it',
           ' * returns is the error the caller gets (LIB_ERR_RPC_DEFERRED: answer later',
           ' * with rpc_<method>_reply).  rpc_serve_fixed(rc, rpc_%s_fixed_dispatch, &h)' % name,
           ' * serves them before the handler table; a NULL field: through the table. */',
           'struct rpc_%s_fixed_handlers {' % name]
    for m in fixed:
        out.append('    ' + typed_proto(m, m.name.lower()))
    out += ['};',
            'int rpc_%s_fixed_dispatch(struct rpc_chan *rc, const void *handlers,' % name,
            '    const uint32_t *in, uint32_t out[LMP_MSG_WORDS]);', '']
    return out


def gen_h(methods, idl, name, base, shared=()):
    guard = 'IF_%s_H' % name.upper()
    out = [HEADER % idl,
           '/* see docs/rpc.md for how to use each part. */',
           '#ifndef ' + guard, '#define ' + guard, '']
    out += ['#include <sys/rpc.h>', ''] if base else []
    out += gen_methods(methods, name, base)
    for m in methods:
        out.append('/* ---- %s (%s)%s */' % (m.name, m.server,
                                             ': ' + ' '.join(m.doc) if m.doc else ''))
        if not m.raw:
            out += struct_decl(m.prefix + '_req', m.req)
            out += struct_decl(m.prefix + '_resp', m.resp or [])
            for side in ('req', 'resp'):
                s = '%s_%s' % (m.prefix, side)
                out.append('errval_t %s_pack(struct rpc_payload *p, const struct %s *r);' % (s, s))
                out.append('errval_t %s_unpack(const struct rpc_payload *p, struct %s *r);' % (s, s))
            out.append('errval_t %s_reply(struct rpc_chan *rc, uint16_t seq, '
                       'const struct %s_resp *r);' % (m.prefix, m.prefix))
        if m.client:
            out.append(client_proto(m) + ';')
        out.append('')
    out += gen_fixed_h([m for m in list(shared) + methods if is_typed(m)], name)
    out += ['#endif', '']
    return '\n'.join(out)


def gen_pack(m, side, params):
    """pack: fill p's scalars, bytes and cap from the struct (p->err is
    left alone, so a handler may set it before or after)."""
    s = '%s_%s' % (m.prefix, side)
    copy = 'true' if side == 'resp' else 'false'
    byt = [p for p in params if p.kind in BYTES_TYPES]
    out = ['errval_t %s_pack(struct rpc_payload *p, const struct %s *r)' % (s, s), '{']
    if not params:
        out.append('    (void)r;')
    out += ['    p->nscalar = 0;', '    p->cap = NULL_CAP;']
    for p in params:
        if p.kind in SCALAR_TYPES:
            out.append('    p->scalar[p->nscalar++] = (uint32_t)r->%s;' % p.name)
        elif p.kind == 'cap':
            out.append('    p->cap = r->%s;' % p.name)
    if byt:
        out.append('    const void *bytes[] = { %s };' % ', '.join('r->' + p.name for p in byt))
        out.append('    size_t lens[] = { %s };' % ', '.join(
            'rpc_strlen(r->%s)' % p.name if p.kind == 'str' else 'r->%s_len' % p.name for p in byt))
        out.append('    return rpc_marshal_bytes(p, %d, bytes, lens, %s);' % (len(byt), copy))
    else:
        out.append('    return rpc_marshal_bytes(p, 0, NULL, NULL, %s);' % copy)
    return out + ['}', '']


def gen_unpack(m, side, params):
    """unpack: check that p has exactly this shape, then point the struct's
    strings into p's bytes (valid as long as p is)."""
    s = '%s_%s' % (m.prefix, side)
    byt = [p for p in params if p.kind in BYTES_TYPES]
    nfixed = len([p for p in params if p.kind in SCALAR_TYPES])
    caps = [p for p in params if p.kind == 'cap']
    out = ['errval_t %s_unpack(const struct rpc_payload *p, struct %s *r)' % (s, s), '{']
    if not params:
        out.append('    (void)r;')
    cond = 'p->nscalar != %d' % scalars_needed(params)
    if caps:
        cond += ' || capref_is_null(p->cap)'
    out += ['    if (%s) {' % cond, '        return LIB_ERR_RPC_BAD_MESSAGE;', '    }']
    if byt:
        out.append('    const uint8_t *bytes[%d];' % len(byt))
        out.append('    size_t lens[%d];' % len(byt))
        out.append('    errval_t err = rpc_unmarshal_bytes(p, %d, %d, bytes, lens);' % (nfixed, len(byt)))
        out += ['    if (err_is_fail(err)) {', '        return err;', '    }']
    else:
        out.append('    errval_t err = rpc_unmarshal_bytes(p, %d, 0, NULL, NULL);' % nfixed)
        out += ['    if (err_is_fail(err)) {', '        return err;', '    }']
    i = 0
    for p in params:
        if p.kind in SCALAR_TYPES:
            out.append('    r->%s = (%s)p->scalar[%d];' % (p.name, SCALAR_TYPES[p.kind], i))
            i += 1
        elif p.kind == 'cap':
            out.append('    r->%s = p->cap;' % p.name)
    for j, p in enumerate(byt):
        if p.kind == 'str':
            out.append('    r->%s = (const char *)bytes[%d];' % (p.name, j))
        else:
            out.append('    r->%s = bytes[%d];' % (p.name, j))
            out.append('    r->%s_len = lens[%d];' % (p.name, j))
    return out + ['    return SYS_ERR_OK;', '}', '']


def gen_reply(m):
    p = m.prefix
    return ['errval_t %s_reply(struct rpc_chan *rc, uint16_t seq, const struct %s_resp *r)' % (p, p),
            '{',
            '    struct rpc_payload resp = { 0 };',
            '    resp.err = %s_resp_pack(&resp, r);' % p,
            '    return rpc_reply(rc, RPC_%s, seq, &resp);' % m.name,
            '}', '']


def gen_client_fixed(m):
    """A scalar-only method's stub: the arguments go straight into the
    words of the LMP message, the answer comes back in them."""
    out = [client_proto(m), '{',
           '    uint32_t w[LMP_MSG_WORDS];          /* the message itself (rpc_call_fixed) */']
    for i, x in enumerate(m.req):
        out.append('    w[RPC_FIRST_WORDS + %d] = (uint32_t)%s;' % (i, x.name))
    resp = m.resp or []
    out.append('    errval_t err = rpc_call_fixed(rc, RPC_%s, %d, %d, w);'
               % (m.name, len(m.req), len(resp)))
    if resp:
        out.append('    if (err_is_ok(err)) {')
        for i, x in enumerate(resp):
            out += ['        if (%s) {' % x.name,
                    '            *%s = (%s)w[RPC_FIRST_WORDS + %d];' % (x.name, SCALAR_TYPES[x.kind], i + 1),
                    '        }']
        out.append('    }')
    return out + ['    return err;', '}', '']


def gen_client_fixed_cap(m):
    """The stub of a method whose answer has one capability: as
    gen_client_fixed's, and the capability -- the caller's if it asked for
    it, else deleted (as is one that came with a failure)."""
    out = [client_proto(m), '{',
           '    uint32_t w[LMP_MSG_WORDS];          /* the message itself (rpc_call_fixed_cap) */',
           '    struct capref cap;']
    for i, x in enumerate(m.req):
        out.append('    w[RPC_FIRST_WORDS + %d] = (uint32_t)%s;' % (i, x.name))
    scalars = [x for x in m.resp if x.kind != 'cap']
    capp = [x for x in m.resp if x.kind == 'cap'][0]
    out.append('    errval_t err = rpc_call_fixed_cap(rc, RPC_%s, %d, %d, w, &cap);'
               % (m.name, len(m.req), len(scalars)))
    out.append('    if (err_is_ok(err)) {')
    for i, x in enumerate(scalars):
        out += ['        if (%s) {' % x.name,
                '            *%s = (%s)w[RPC_FIRST_WORDS + %d];' % (x.name, SCALAR_TYPES[x.kind], i + 1),
                '        }']
    out += ['        if (%s) {' % capp.name,
            '            *%s = cap;' % capp.name,
            '            return err;',
            '        }',
            '    }',
            '    cap_destroy(cap);               /* one nobody asked for */']
    return out + ['    return err;', '}', '']


def gen_fixed_dispatch(fixed, name):
    """The server's dispatch of the fixed-layout methods (scalars only, or
    scalars and one capability in the answer): one case a method,
    which checks the scalar count, calls the typed handler with the
    request's scalars (read from in, where the message lies), puts its
    error and answer into out and returns the answer's header as a
    constant (RPC_FIXED_ANSWER: the server only adds the sequence
    number).  A capability answer that succeeded is sent here
    (rpc_reply_fixed_cap) and reported as LIB_ERR_RPC_DEFERRED."""
    if not fixed:
        return []
    out = ['/* ---- the dispatch of the typed handlers (sys/rpc.h, rpc_fixed_dispatch_fn) ---- */',
           '',
           'int rpc_%s_fixed_dispatch(struct rpc_chan *rc, const void *handlers,' % name,
           '    const uint32_t *in, uint32_t out[LMP_MSG_WORDS])',
           '{',
           '    const struct rpc_%s_fixed_handlers *h = handlers;' % name,
           '    const uint32_t *arg = &in[RPC_FIRST_WORDS];     /* the request\'s scalars */',
           '    uint32_t *res = &out[RPC_FIRST_WORDS];          /* the error, the answer\'s */',
           '    uint32_t n = RPC_HDR_NSCALAR(in[0]);',
           '    switch (RPC_HDR_METHOD(in[0])) {']
    for m in fixed:
        field_name = m.name.lower()
        resp = m.resp or []
        out.append('    case RPC_%s: {' % m.name)
        for x in resp:
            if x.kind == 'cap':
                out.append('        struct capref out_%s = NULL_CAP;' % x.name)
            else:
                out.append('        %s out_%s = 0;' % (SCALAR_TYPES[x.kind], x.name))
        out += ['        if (h->%s == NULL) {' % field_name,
                '            return -1;                  /* served by the handler table */',
                '        }',
                '        if (n != %d) {' % len(m.req),
                '            res[0] = LIB_ERR_RPC_BAD_MESSAGE;',
                '            return RPC_FIXED_ANSWER(RPC_%s, 0);' % m.name,
                '        }']
        args = ['rc'] + ['(%s)arg[%d]' % (SCALAR_TYPES[x.kind], i) for i, x in enumerate(m.req)]
        args += ['&out_' + x.name for x in resp]
        out.append('        res[0] = h->%s(%s);' % (field_name, ', '.join(args)))
        scalars = [x for x in resp if x.kind != 'cap']
        for i, x in enumerate(scalars):
            out.append('        res[%d] = (uint32_t)out_%s;' % (i + 1, x.name))
        if is_fixed_cap(m):
            capp = [x for x in resp if x.kind == 'cap'][0]
            out += ['        if (res[0] == SYS_ERR_OK) {          /* answered here, with the capability */',
                    '            rpc_reply_fixed_cap(rc, out_%s, %d, out);' % (capp.name, len(scalars)),
                    '            res[0] = LIB_ERR_RPC_DEFERRED;',
                    '        }',
                    '        return RPC_FIXED_ANSWER(RPC_%s, %d);' % (m.name, len(scalars)), '    }']
        else:
            out += ['        return RPC_FIXED_ANSWER(RPC_%s, %d);' % (m.name, len(resp)), '    }']
    out += ['    default:', '        (void)rc;', '        (void)arg;', '        (void)res;',
            '        (void)n;', '        return -1;', '    }', '}', '']
    return out


def gen_client(m):
    if is_fixed(m):
        return gen_client_fixed(m)
    if is_fixed_cap(m):
        return gen_client_fixed_cap(m)
    out = [client_proto(m), '{']
    if m.raw:
        return out + ['    return rpc_call(rc, RPC_%s, req, resp);' % m.name, '}', '']
    p = m.prefix
    inits = []
    for x in m.req:
        if x.kind == 'buf':
            inits.append('.%s = %s, .%s_len = %s_len' % (x.name, x.name, x.name, x.name))
        else:
            inits.append('.%s = %s' % (x.name, x.name))
    out.append('    struct %s_req in = { %s };' % (p, ', '.join(inits)))
    out.append('    struct rpc_payload req = { 0 };')
    out.append('    errval_t err = %s_req_pack(&req, &in);' % p)
    out += ['    if (err_is_fail(err)) {', '        return err;', '    }']
    multi = len([x for x in m.req if x.kind in BYTES_TYPES]) > 1
    if m.notify:
        out.append('    err = rc ? rpc_send(rc, RPC_%s, RPC_KIND_REQUEST, 0, &req)'
                   ' : LIB_ERR_RPC_PEER_DEAD;' % m.name)
        if multi:
            out.append('    free(req.bytes);')
        return out + ['    return err;', '}', '']
    out.append('    struct rpc_payload resp;')
    out.append('    err = rpc_call(rc, RPC_%s, &req, &resp);' % m.name)
    if multi:
        out.append('    free(req.bytes);            /* the joined strings */')
    resp = m.resp or []
    caps = [x for x in resp if x.kind == 'cap']
    out.append('    struct %s_resp out;' % p)
    out += ['    if (err_is_ok(err)) {', '        err = %s_resp_unpack(&resp, &out);' % p, '    }']
    # Strings and buffers are copied out first: that may fail.
    for x in resp:
        if x.kind == 'str':
            out += ['    if (err_is_ok(err)) {',
                    '        err = rpc_copy_out_str(%s, out.%s);' % (x.name, x.name), '    }']
        elif x.kind == 'buf':
            out += ['    if (err_is_ok(err)) {',
                    '        err = rpc_copy_out_buf(%s, %s_len, out.%s, out.%s_len);'
                    % (x.name, x.name, x.name, x.name), '    }']
    if [x for x in resp if x.kind not in BYTES_TYPES]:
        out.append('    if (err_is_ok(err)) {')
        for x in resp:
            if x.kind in SCALAR_TYPES:
                out += ['        if (%s) {' % x.name, '            *%s = out.%s;' % (x.name, x.name),
                        '        }']
            elif x.kind == 'cap':
                out += ['        if (%s) {' % x.name, '            *%s = out.%s;' % (x.name, x.name),
                        '            resp.cap = NULL_CAP;         /* now the caller\'s */',
                        '        }']
        out.append('    }')
    if not resp:
        out.append('    (void)out;')
    out.append('    cap_destroy(resp.cap);          /* one nobody asked for */')
    out.append('    rpc_payload_free(&resp);')
    return out + ['    return err;', '}', '']


def gen_c(methods, idl, name, shared=()):
    out = [HEADER % idl, '#include <stdbool.h>', '#include <stdlib.h>', '#include <string.h>',
           '#include <sys/rpc.h>', '#include <if/%s.h>' % name, '']
    for m in methods:
        out.append('/* ---- %s -------------------------------------------------------- */' % m.name)
        out.append('')
        if not m.raw:
            for side, params in (('req', m.req), ('resp', m.resp or [])):
                out += gen_pack(m, side, params)
                out += gen_unpack(m, side, params)
            out += gen_reply(m)
        if m.client:
            out += gen_client(m)
    out += gen_fixed_dispatch([m for m in list(shared) + methods if is_typed(m)], name)
    return '\n'.join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    idl, outdir = sys.argv[1], sys.argv[2]
    base_idl = sys.argv[3] if len(sys.argv) == 4 else None
    name = os.path.basename(idl)[:-len('.idl')] if idl.endswith('.idl') else ''
    base = os.path.basename(base_idl)[:-len('.idl')] if base_idl else None
    try:
        if not re.match(r'^[a-z][a-z0-9_]*$', name):
            raise IdlError('the file name is not NAME.idl (lower case, digits, _)')
        shared = parse(base_idl) if base_idl else []
        methods = parse(idl)
        for m in methods:
            if m.name in [x.name for x in shared]:
                raise IdlError('line %d: %s is a shared method (%s)' % (m.lineno, m.name, base_idl))
        if len(shared) + len(methods) > MAX_METHODS:
            raise IdlError('%d methods with the shared ones: the wire format has room for %d'
                           % (len(shared) + len(methods), MAX_METHODS))
    except IdlError as e:
        print('%s: %s' % (idl, e), file=sys.stderr)
        return 1
    write(os.path.join(outdir, 'if', name + '.h'), gen_h(methods, idl, name, base, shared))
    write(os.path.join(outdir, 'if', name + '.c'), gen_c(methods, idl, name, shared))
    return 0


if __name__ == '__main__':
    sys.exit(main())
