var b,
  Pe,
  pt,
  E,
  ce,
  ee,
  Se,
  Y,
  we,
  ue,
  _e,
  ft,
  V = Symbol.for('pv'),
  te = {},
  ne = [],
  ht = /^m(i|n|o|s|text|space)$/,
  de = Array.isArray,
  Me = ne.slice,
  O = Object.assign;
function L(e) {
  e && e.parentNode && e.remove();
}
function X(e, t, o, a, r) {
  var s = {
    type: e,
    props: t,
    key: o,
    ref: a,
    __k: null,
    __: null,
    __b: 0,
    __e: null,
    __c: null,
    constructor: V,
    __v: r || ++Pe,
    __i: -1,
    __u: 0,
  };
  return (!r && b.vnode && b.vnode(s), s);
}
function $(e) {
  return e.children;
}
function J(e, t) {
  (this.props = e), (this.context = t), (this.__g = 0);
}
function N(e, t) {
  if (t == null) return e.__ && N(e.__, e.__i + 1);
  for (var o; t < e.__k.length; t++) if ((o = e.__k[t]) && o.__e) return o.__e;
  return typeof e.type != 'function' || e.props.__P ? null : N(e);
}
function mt(e) {
  var t,
    o = e.__v,
    a = o.__e,
    r = [],
    s = [],
    c = e.__P;
  c &&
    (((t = O({ constructor: V }, o)).__v = o.__v + 1),
    b.vnode && b.vnode(t),
    pe(c, t, o, e.__n, c.namespaceURI, 32 & o.__u ? [a] : null, r, a || N(o), 32 & o.__u, s),
    (t.__v = o.__v),
    (t.__.__k[t.__i] = t),
    He(r, t, s),
    (o.__ = o.__e = null),
    t.__e != a && Ee(t));
}
function Ee(e) {
  if ((e = e.__) && e.__c && !e.props.__P) return ((e.__e = null), e.__k.some((t) => t && (e.__e = t.__e)), Ee(e));
}
function $e(e) {
  ((8 & e.__g || ((e.__g |= 8), E.push(e), ee++)) && ce == b.debounceRendering) ||
    ((ce = b.debounceRendering) || queueMicrotask)(Ne);
}
function Ne() {
  try {
    for (var e, t = 1; E.length; ) E.length > t && E.sort(Se), (e = E.shift()), (t = E.length), 8 & e.__g && mt(e);
  } finally {
    (ee = E.length) && (ce || queueMicrotask)(Ne);
  }
}
function Be(e, t, o, a, r, s, c, l, u, p, _) {
  var h,
    m,
    i,
    d,
    g,
    v,
    y = a.__k || ne,
    f = t.length;
  for (u = gt(o, t, y, u, f), h = 0; h < f; h++)
    (i = o.__k[h]) != null &&
      ((m = (~i.__i && y[i.__i]) || te),
      (i.__i = h),
      (v = pe(e, i, m, r, s, c, l, u, p, _)),
      (d = i.__e),
      (m.ref != i.ref || 8 & m.__u) && (m.ref && fe(m.ref, null, i, m), i.ref && _.push(i.ref, i.__c || d, i)),
      (g = g || d),
      4 & i.__u
        ? ((u = De(i, u, e, !m.__v)), m.__e && (m.__e = null))
        : typeof i.type == 'function' && v !== void 0
          ? (u = v)
          : d && (u = d.nextSibling),
      (i.__u &= -21));
  return ((o.__e = g), u);
}
function gt(e, t, o, a, r) {
  var s,
    c,
    l,
    u,
    p,
    _,
    h,
    m,
    i,
    d = o.length,
    g = d,
    v = 0,
    y = 0,
    f = (e.__k = Array(r));
  for (s = 0; s < r; s++)
    (c = t[s]) != null && typeof c != 'boolean' && typeof c != 'function'
      ? (typeof c != 'object' || c.constructor === String
          ? (c = f[s] = X(null, c))
          : de(c)
            ? (c = f[s] = X($, { children: c }))
            : c.constructor === V && c.__b
              ? (c = f[s] = X(c.type, c.props, c.key, c.ref, c.__v))
              : (f[s] = c),
        (u = s + v),
        (c.__ = e),
        (c.__b = e.__b + 1),
        (l = null),
        ~(p = c.__i = yt(c, o, u, g)) && (g--, (l = o[p]) && (l.__u |= 2)),
        l && l.__v
          ? ((c.__u |= 16), p == u - 1 ? v-- : p == u + 1 ? v++ : p != u && (p > u ? v-- : v++, (y = 1)))
          : (~p || (r > d ? v-- : r < d && v++), typeof c.type != 'function' && (c.__u |= 4)))
      : (f[s] = null);
  if (y) {
    for (_ = [], h = [], s = 0; s < r; s++)
      if ((c = f[s]) && 16 & c.__u) {
        for (v = 0, m = _.length; v < m; ) _[(i = (v + m) >> 1)] < c.__i ? (v = i + 1) : (m = i);
        (_[v] = c.__i), (h[s] = v + 1);
      }
    for (v = _.length; s--; ) h[s] && (h[s] == v ? v-- : (f[s].__u |= 4));
  }
  if (g) for (s = 0; s < d; s++) !(l = o[s]) || 2 & l.__u || (l.__e == a && (a = N(l)), he(l, l));
  return a;
}
function De(e, t, o, a) {
  var r, s, c, l;
  if (typeof e.type == 'function') {
    if (e.props.__P) return t;
    if ((r = e.__k)) for (s = 0; s < r.length; s++) r[s] && ((r[s].__ = e), (t = De(r[s], t, o, !1)));
    return t;
  }
  for (t && !t.parentNode && (t = N(e)) && !t.parentNode && (t = null), c = e.__e, l = t; l && l.nodeType == 8; )
    l = l.nextSibling;
  for (
    c != l && (!a && o.moveBefore && c.parentNode ? o.moveBefore(c, t) : o.insertBefore(c, t || null)), t = c;
    (t = t && t.nextSibling) && t.nodeType == 8 && !t.data.startsWith('$s');
  );
  return t;
}
function yt(e, t, o, a) {
  var r,
    s = e.key,
    c = e.type,
    l = t[o],
    u = l && !(2 & l.__u);
  if ((l === null && s == null) || (u && s == l.key && c == l.type)) return o;
  if (a > (u ? 1 : 0)) {
    for (r = o - 1; r >= 0; r--) if ((l = t[r]) && !(2 & l.__u) && s == l.key && c == l.type) return r;
    for (r = o + 1; r < t.length; r++) if ((l = t[r]) && !(2 & l.__u) && s == l.key && c == l.type) return r;
  }
  return -1;
}
function Re(e, t, o) {
  o == null && (o = ''), t[0] == '-' ? e.setProperty(t, o) : (e[t] = o);
}
function G(e, t, o, a, r) {
  var s, c;
  if (t == 'style')
    if (typeof o == 'string') e.style.cssText = o;
    else {
      if ((typeof a == 'string' && (e.style.cssText = a = ''), a)) for (t in a) (o && t in o) || Re(e.style, t);
      if (o) for (t in o) (a && o[t] == a[t]) || Re(e.style, t, o[t]);
    }
  else if (t[0] == 'o' && t[1] == 'n')
    typeof o != 'function' && (o = null),
      typeof a != 'function' && (a = null),
      ((e.__e || (e.__e = {}))[t] = o),
      (o && a) ||
        ((c = _e[t] || (_e[t] = vt(t))),
        ((e.__a || (e.__a = {}))[t] = ue),
        (s = t != (t = t.replace(we, '$1'))),
        (t = t.slice(2))[0] < 'a' && (t = t.toLowerCase()),
        o ? e.addEventListener(t, c, s) : e.removeEventListener(t, c, s));
  else {
    if (r == 'http://www.w3.org/2000/svg') t = t.replace(/xlink(H|:h)/, 'h').replace(/sName$/, 's');
    else if (
      t != 'width' &&
      t != 'height' &&
      t != 'href' &&
      t != 'list' &&
      t != 'form' &&
      t != 'tabIndex' &&
      t != 'download' &&
      t != 'rowSpan' &&
      t != 'colSpan' &&
      t != 'role' &&
      t != 'popover' &&
      t in e
    )
      try {
        return void (e[t] = o ?? '');
      } catch {}
    if (typeof o == 'function') return;
    o == null || (o === !1 && t[4] != '-')
      ? e.removeAttribute(t)
      : e.setAttribute(t, t == 'popover' && o == 1 ? '' : o);
  }
}
function vt(e) {
  return function (t) {
    var o = this.__e;
    if (o) {
      if (((o = o[e]), t[Y] == null)) t[Y] = ue++;
      else if (t[Y] < this.__a[e]) return;
      return o(b.event ? b.event(t) : t);
    }
  };
}
function pe(e, t, o, a, r, s, c, l, u, p) {
  var _,
    h,
    m,
    i,
    d,
    g,
    v,
    y,
    f,
    C,
    k,
    le,
    Te,
    z,
    A,
    Ce,
    M,
    H,
    S = t.type;
  if (t.constructor !== V) return null;
  128 & o.__u &&
    ((u = 32 & o.__u), (_ = o.__c.__z)) &&
    ((t.__u |= u), (h = s = []), _.nodeType == 8 ? (l = Z(_, s)) : s.push(_), (l = s[0] || l)),
    (_ = b.__b) && _(t);
  e: if (typeof S == 'function') {
    m = c.length;
    try {
      if (
        ((y = t.props),
        (f = (_ = S.prototype) && _.render),
        (C = (_ = S.contextType) && a[_.__c]),
        (k = _ ? (C ? C.props.value : _.__) : a),
        (i = o.__c)
          ? ((t.__c = i), 2 & i.__g && (i.__g |= 1))
          : (f ? (t.__c = i = new S(y, k)) : ((t.__c = i = new J(y, k)), (i.constructor = S), (i.render = kt)),
            C && C.sub(i),
            i.state || (i.state = {}),
            (i.__n = a),
            (i.__g |= 8),
            (i.__h = []),
            (i.__k = [])),
        f &&
          (i.__s || (i.__s = i.state),
          S.getDerivedStateFromProps &&
            (i.__s == i.state && (i.__s = O({}, i.__s)), O(i.__s, S.getDerivedStateFromProps(y, i.__s)))),
        (d = i.props),
        (g = i.state),
        (i.__v = t),
        o.__c)
      ) {
        if (
          (y !== d &&
            f &&
            !S.getDerivedStateFromProps &&
            i.componentWillReceiveProps &&
            i.componentWillReceiveProps(y, k),
          (t.__v == o.__v && !(8 & i.__g)) ||
            (!(4 & i.__g) && i.shouldComponentUpdate && i.shouldComponentUpdate(y, i.__s, k) === !1))
        ) {
          t.__v != o.__v && ((i.props = y), (i.state = i.__s), (i.__g &= -9)),
            (t.__e = o.__e),
            (t.__k = o.__k),
            t.__k.some((R) => {
              R && (R.__ = t);
            }),
            ne.push.apply(i.__h, i.__k),
            (i.__k = []),
            i.__h.length && c.push(i),
            (l = N(o));
          break e;
        }
        i.componentWillUpdate && i.componentWillUpdate(y, i.__s, k),
          f &&
            i.componentDidUpdate &&
            i.__h.push(() => {
              i.componentDidUpdate(d, g, v);
            });
      } else
        f && !S.getDerivedStateFromProps && i.componentWillMount && i.componentWillMount(),
          f && i.componentDidMount && i.__h.push(i.componentDidMount);
      (i.context = k), (i.props = y), (i.__P = e), (i.__g &= -5), (le = b.__r), (Te = f ? 25 : 0);
      do (i.__g &= -9), le && le(t), (_ = i.render(i.props, (i.state = i.__s), i.context));
      while (8 & i.__g && ++Te < 25);
      f && (ne.push.apply(i.__h, i.__k), (i.__k = [])),
        (i.state = i.__s),
        i.getChildContext && (a = O({}, a, i.getChildContext())),
        f && o.__c && i.getSnapshotBeforeUpdate && (v = i.getSnapshotBeforeUpdate(d, g)),
        (z = _ && _.type === $ && _.key == null ? _.props.children : _),
        y.__P &&
          ((_ = l),
          (r = (e = y.__P).namespaceURI),
          (u = s = null),
          o.props &&
            o.props.__P != e &&
            (o.__k.some((R) => {
              R && he(R, R);
            }),
            (o.__k = null)),
          (l = o.__k ? N(o, 0) : null)),
        (l = Be(e, de(z) ? z : [z], t, o, a, r, s, c, l, u, p)),
        y.__P && ((t.__e = null), (l = _)),
        (t.__u &= -161),
        h && h.some(L),
        i.__h.length && c.push(i),
        1 & i.__g && (i.__g &= -4);
    } catch (R) {
      if (((c.length = m), (t.__v = null), u || s))
        if (R && R.then) {
          if (((t.__u |= 128 | u), s)) {
            for (~(M = s.indexOf(l || void 0)) || (M = s.length); (H = s[M - 1]) && H.nodeType == 8; ) M--;
            for (; M < s.length; M++)
              if ((H = s[M]))
                if (((s[M] = null), A)) {
                  if (H == Ce) break;
                } else {
                  if (H.nodeType != 8) break;
                  H.data.startsWith('$s') && (Ce = Z((A = H)));
                }
          }
          if (!A) {
            for (; l && l.nodeType == 8 && l.nextSibling; ) l = l.nextSibling;
            A = l;
          }
          (_ = Z((A = t.__c.__z || (t.__c.__z = A)))) ? ((t.__e = A), (l = _)) : (t.__e = l), (l = l && l.nextSibling);
        } else s && s.some(L);
      else t.__e = o.__e;
      t.__k || (t.__k = o.__k || []), (R && R.then) || Ae(t), b.__e(R, t, o);
    }
  } else l = t.__e = bt(o.__e, t, o, a, r, s, c, u, p, e);
  return ((_ = b.diffed) && _(t), l);
}
function Z(e, t) {
  if (e && e.nodeType == 8 && e.data.startsWith('$s'))
    for (var o = 1; (e = e.nextSibling); ) {
      if (e.nodeType == 8) {
        if (e.data.startsWith('$s')) o++;
        else if (e.data.startsWith('/$s') && !--o) return e;
      }
      t && t.push(e);
    }
}
function Ae(e) {
  e && (e.__c && (e.__c.__g |= 4), e.__k && e.__k.some(Ae));
}
function He(e, t, o) {
  for (var a = 0; a < o.length; ) fe(o[a++], o[a++], o[a++]);
  b.__c && b.__c(t, e),
    e.some((r) => {
      try {
        (e = r.__h),
          (r.__h = []),
          e.some((s) => {
            s.call(r);
          });
      } catch (s) {
        b.__e(s, r.__v);
      }
    });
}
function bt(e, t, o, a, r, s, c, l, u, p) {
  var _,
    h,
    m,
    i,
    d,
    g,
    v,
    y,
    f = o.props || te,
    C = t.props,
    k = t.type;
  if (
    (k == 'svg'
      ? (r = 'http://www.w3.org/2000/svg')
      : k == 'math'
        ? (r = 'http://www.w3.org/1998/Math/MathML')
        : r || (r = 'http://www.w3.org/1999/xhtml'),
    s)
  ) {
    for (_ = 0; _ < s.length; _++)
      if ((d = s[_]) && (k ? d.localName == k : d.nodeType == 3)) {
        (e = d), (s[_] = null);
        break;
      }
  }
  if (!e) {
    if (((y = p.ownerDocument || document), !k)) return y.createTextNode(C);
    (e = y.createElementNS(r, k, C.is ? C : p)), l && (b.__m && b.__m(t, s), (l = !1)), (s = null);
  }
  if (k) {
    if (
      ((p = (k == 'template' && e.content) || e),
      (s = k == 'textarea' && C.defaultValue != null ? null : s && Me.call(p.childNodes)),
      !l && s)
    )
      for (f = {}, _ = 0; _ < e.attributes.length; _++) f[(d = e.attributes[_]).name] = d.value;
    for (_ in f)
      (d = f[_]),
        _ == 'dangerouslySetInnerHTML'
          ? (m = d)
          : _ == 'children' ||
            _ in C ||
            (_ == 'value' && 'defaultValue' in C) ||
            (_ == 'checked' && 'defaultChecked' in C) ||
            G(e, _, null, d, r);
    for (_ in C)
      (d = C[_]),
        _ == 'children'
          ? (i = d)
          : _ == 'dangerouslySetInnerHTML'
            ? (h = d)
            : _ == 'value'
              ? (g = d)
              : _ == 'checked'
                ? (v = d)
                : (l && typeof d != 'function') || f[_] === d || G(e, _, d, f[_], r);
    h
      ? (l || (m && (h.__html == m.__html || h.__html == e.innerHTML)) || (e.innerHTML = h.__html), (t.__k = []))
      : (m && (e.textContent = ''),
        (k == 'foreignObject' || (r == 'http://www.w3.org/1998/Math/MathML' && ht.test(k))) &&
          (r = 'http://www.w3.org/1999/xhtml'),
        Be(p, de(i) ? i : [i], t, o, a, r, s, c, s ? s[0] : o.__k && N(o, 0), l, u),
        s && s.some(L)),
      (l && k != 'textarea') ||
        ((_ = 'value'),
        k == 'progress' && g == null
          ? e.removeAttribute(_)
          : g == null || (g === e[_] && (k != 'progress' || g)) || G(e, _, g, f[_], r),
        (_ = 'checked'),
        v != null && v != e[_] && G(e, _, v, f[_], r));
  } else f === C || (l && e.data == C) || (e.data = C);
  return e;
}
function fe(e, t, o, a) {
  try {
    typeof e == 'function'
      ? t
        ? (t.__x = e(t) || 1)
        : a && (a = a.__c || a.__e) && (t = a.__x) && ((a.__x = null), typeof t == 'function' ? t() : e(null))
      : (e.current = t);
  } catch (r) {
    b.__e(r, o);
  }
}
function he(e, t, o) {
  var a, r, s, c;
  if (
    (b.unmount && b.unmount(e), !(a = e.ref) || (a.current && a.current != e.__e) || fe(a, null, t, e), (a = e.__c))
  ) {
    if (a.componentWillUnmount)
      try {
        a.componentWillUnmount();
      } catch (l) {
        b.__e(l, t);
      }
    a.__P = a.__n = null;
  }
  if ((a = e.__k))
    for (c = 0; c < a.length; c++) a[c] && he(a[c], t, typeof e.type != 'function' || (o && !e.props.__P));
  !o && (a = e.__c) && (a = a.__z) && (r = Z(a, (s = []))) && (a == e.__e && s.some(L), L(r), L(a)),
    o || L(e.__e),
    (e.__e = e.__c = e.__ = null);
}
function kt(e, t, o) {
  return this.constructor(e, o);
}
function Le(e, t) {
  var o, a, r, s;
  b.__ && b.__(e, t),
    t.nodeType == 9 && (t = t.documentElement),
    (a = (o = e && 32 & e.__u) ? null : t.__k),
    (t.__k = X($, { children: [e] })),
    (r = []),
    (s = []),
    pe(
      t,
      t.__k,
      a || te,
      te,
      t.namespaceURI,
      a ? null : t.firstChild ? Me.call(t.childNodes) : null,
      r,
      a ? a.__e : t.firstChild,
      o,
      s,
    ),
    He(r, t.__k, s),
    (t.__k.props.children = null);
}
(b = {
  __e: (e, t, o, a) => {
    for (var r, s, c; (t = t.__); )
      if ((r = t.__c) && !(1 & r.__g)) {
        r.__g |= 4;
        try {
          if (
            ((c = (s = r.constructor) && s.getDerivedStateFromError) && r.setState(s.getDerivedStateFromError(e)),
            r.componentDidCatch && (r.componentDidCatch(e, a || {}), (c = 1)),
            c && 8 & r.__g)
          )
            return void (r.__g |= 2);
        } catch (l) {
          e = l;
        }
      }
    throw ((ee = 0), e);
  },
}),
  (Pe = 0),
  (pt = (e) => e != null && e.constructor === V),
  (J.prototype.setState = function (e, t) {
    var o = this.__s;
    (o && o != this.state) || (o = this.__s = O({}, this.state)),
      typeof e == 'function' && (e = e(O({}, o), this.props)),
      e && (O(o, e), this.__v && (t && this.__k.push(t), $e(this)));
  }),
  (J.prototype.forceUpdate = function (e) {
    this.__v && ((this.__g |= 4), e && this.__h.push(e), $e(this));
  }),
  (J.prototype.render = $),
  (E = []),
  (ee = 0),
  (Se = (e, t) => e.__v.__b - t.__v.__b),
  (Y = Symbol()),
  (we = /(PointerCapture)$|Capture$/i),
  (ue = 0),
  (_e = {}),
  (ft = 0);
var Q,
  T,
  me,
  Oe,
  ge = Object.is,
  oe = 0,
  je = [],
  ye = [],
  x = b,
  Ue = x.__b,
  qe = x.__r,
  Fe = x.diffed,
  Ie = x.__c,
  We = x.unmount,
  Ve = x.__;
function be(e, t) {
  x.__h && x.__h(T, e, oe || t), (oe = 0);
  var o = T.__H || (T.__H = { __: [], __h: [] });
  return (e >= o.__.length && o.__.push({}), o.__[e]);
}
function U(e) {
  return ((oe = 1), xt(Ye, e));
}
function xt(e, t, o) {
  var a = be(Q++, 2);
  if (
    ((a.t = e),
    !a.__c &&
      ((a.__ = [
        o ? o(t) : Ye(void 0, t),
        (s) => {
          var c = (a.__N || a.__)[0],
            l = a.t(c, s);
          ge(c, l) || ((a.__N = [l, a.__[1]]), a.__c.setState({}));
        },
      ]),
      (a.__c = T),
      !T.__f))
  ) {
    T.__f = !0;
    var r = T.shouldComponentUpdate;
    T.shouldComponentUpdate = function (s, c, l) {
      var u = this.__H;
      if (!u) return !0;
      var p = !1,
        _ = this.props != s;
      if (
        (u.__.some((m) => {
          m.__N && ((p = !0), ge(m.__[0], m.__N[0]) || (_ = !0));
        }),
        r)
      ) {
        var h = r.call(this, s, c, l);
        return p ? h || _ : h;
      }
      return !p || _;
    };
  }
  return a.__;
}
function I(e, t) {
  var o = be(Q++, 3);
  !x.__s && Ge(o.__H, t) && ((o.__P = !0), (o.__ = e), (o.u = t), T.__H.__h.push(o));
}
function ze(e) {
  return ((oe = 5), Tt(() => ({ current: e }), []));
}
function Tt(e, t) {
  var o = be(Q++, 7);
  return (Ge(o.__H, t) && ((o.__ = e()), (o.__H = t)), o.__);
}
function Ct() {
  var e;
  do {
    for (; (e = ye.shift()); )
      try {
        K(e);
      } catch (o) {
        x.__e(o, { __: (e = e.__P) && e.__v });
      }
    for (; (e = je.shift()); ) {
      var t = e.__H;
      if (e.__P && t)
        try {
          t.__h.some(K), t.__h.some(ve), (t.__h = []);
        } catch (o) {
          (t.__h = []), x.__e(o, e.__v);
        }
    }
  } while (ye.length);
}
(x.__b = (e) => {
  (T = null), Ue && Ue(e);
}),
  (x.__ = (e, t) => {
    e && t.__k && t.__k.__m && (e.__m = t.__k.__m), Ve && Ve(e, t);
  }),
  (x.__r = (e) => {
    qe && qe(e), (Q = 0);
    var t = (T = e.__c).__H;
    t &&
      (me == T ? (T.__h = []) : (t.__h.some(K), t.__h.some(ve), (Q = 0)),
      (t.__h = []),
      t.__.some((o) => {
        o.__N && (o.__ = o.__N), (o.u = o.__N = void 0);
      })),
      (me = T);
  }),
  (x.diffed = (e) => {
    Fe && Fe(e);
    var t = e.__c;
    t &&
      t.__H &&
      (t.__H.__h.length && Qe(je.push(t)),
      t.__H.__.some((o) => {
        o.u && (o.__H = o.u);
      })),
      (me = T = null);
  }),
  (x.__c = (e, t) => {
    t.some((o) => {
      try {
        o.__h.some(K), (o.__h = o.__h.filter((a) => !a.__ || ve(a)));
      } catch (a) {
        o.__h = [
          () => {
            throw a;
          },
        ];
      }
    }),
      Ie && Ie(e, t);
  }),
  (x.unmount = (e) => {
    We && We(e);
    var t,
      o,
      a = e.__c;
    a &&
      a.__H &&
      (a.__H.__.some((r) => {
        try {
          if (r.__P && r.__c) {
            if (o === void 0) {
              for (o = e.__; o && (!o.__c || !o.__c.__P); ) o = o.__;
              o = o && o.__c;
            }
            (r.__P = o), Qe(ye.push(r));
          } else K(r);
        } catch (s) {
          t = s;
        }
      }),
      (a.__H = void 0),
      t && x.__e(t, a.__v));
  });
var Ke = typeof requestAnimationFrame == 'function';
function $t(e) {
  var t,
    o = () => {
      clearTimeout(a), Ke && cancelAnimationFrame(t), setTimeout(e);
    },
    a = setTimeout(o, 35);
  Ke && (t = requestAnimationFrame(o));
}
function Qe(e) {
  (e != 1 && Oe == x.requestAnimationFrame) || ((Oe = x.requestAnimationFrame) || $t)(Ct);
}
function K(e) {
  var t = T,
    o = e.__c;
  typeof o == 'function' && ((e.__c = void 0), o()), (T = t);
}
function ve(e) {
  var t = T;
  (e.__c = e.__()), (T = t);
}
function Ge(e, t) {
  return !e || e.length != t.length || t.some((o, a) => !ge(o, e[a]));
}
function Ye(e, t) {
  return typeof t == 'function' ? t(e) : t;
}
function q(e, t = Date.now()) {
  if (!e) return '—';
  const o = Math.max(0, Math.round((t - Date.parse(e)) / 1e3));
  if (o < 60) return `${o}s`;
  const a = Math.floor(o / 60);
  if (a < 60) return `${a}m`;
  const r = Math.floor(a / 60);
  return r < 48 ? `${r}h${a % 60 ? `${a % 60}m` : ''}` : `${Math.floor(r / 24)}d`;
}
function ae(e) {
  return e === 0 ? '0%' : e < 0.001 ? '<0.1%' : `${(e * 100).toFixed(e < 0.1 ? 1 : 0)}%`;
}
function re(e) {
  return e === null ? '—' : e < 1e3 ? `≤${e} ms` : `≤${e / 1e3} s`;
}
function Xe(e) {
  return new Date(e).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
var Rt = Symbol.for('pv'),
  Pt = 0;
function n(e, t, o, a, r, s) {
  t || (t = {});
  var c,
    l,
    u = t;
  if ('ref' in u && typeof e != 'function') for (l in ((u = {}), t)) l == 'ref' ? (c = t[l]) : (u[l] = t[l]);
  var p = {
    type: e,
    props: u,
    key: o,
    ref: c,
    __k: null,
    __: null,
    __b: 0,
    __e: null,
    __c: null,
    constructor: Rt,
    __v: --Pt,
    __i: -1,
    __u: 0,
  };
  return ((r || s) && ((p.__source = r), (p.__self = s)), b.vnode && b.vnode(p), p);
}
var xe = 720,
  j = 160,
  B = 4;
function ke(e, t, o) {
  const a = (xe - 2 * B) / Math.max(1, e.length - 1);
  return e.map((r, s) => `${(B + s * a).toFixed(1)},${(j - B - (t(r) / o) * (j - 2 * B)).toFixed(1)}`).join(' ');
}
function Je({ points: e }) {
  const t = Math.max(1, ...e.map((l) => Math.max(l.reconciles, l.errors, l.queueDepth))),
    o = e.reduce((l, u) => l + u.reconciles, 0),
    a = e.reduce((l, u) => l + u.errors, 0),
    r = Math.max(0, ...e.map((l) => l.queueDepth)),
    s = e[0],
    c = `Last 15 minutes: ${o} reconciles, ${a} errors, queue depth peaked at ${r}.`;
  return n('figure', {
    class: 'chart',
    children: [
      n('svg', {
        viewBox: `0 0 ${xe} ${j}`,
        preserveAspectRatio: 'none',
        role: 'img',
        'aria-label': c,
        children: [
          n('line', { class: 'axis', x1: B, y1: j - B, x2: xe - B, y2: j - B }),
          n('polyline', { class: 'series-reconciles', points: ke(e, (l) => l.reconciles, t) }),
          n('polyline', { class: 'series-queue', points: ke(e, (l) => l.queueDepth, t) }),
          n('polyline', { class: 'series-errors', points: ke(e, (l) => l.errors, t) }),
        ],
      }),
      n('figcaption', {
        children: [
          n('ul', {
            class: 'legend',
            children: [
              n('li', { class: 'legend-reconciles', children: 'reconciles / 5 s' }),
              n('li', { class: 'legend-errors', children: 'errors / 5 s' }),
              n('li', { class: 'legend-queue', children: 'queue depth' }),
              n('li', { class: 'legend-scale', children: ['scale 0–', t, s ? `, from ${Xe(s.t)}` : ''] }),
            ],
          }),
          n('p', { class: 'visually-hidden', children: c }),
        ],
      }),
    ],
  });
}
var St = {
  Running: 'ok',
  True: 'ok',
  Ready: 'ok',
  Failed: 'bad',
  False: 'bad',
  Error: 'bad',
  Missing: 'bad',
  Degraded: 'warn',
  NotReady: 'warn',
  Pending: 'muted',
  Blocked: 'warn',
  Unknown: 'muted',
};
function P({ value: e, label: t }) {
  return n('span', { class: `badge badge-${St[e] ?? 'muted'}`, children: t ?? e });
}
function D({ label: e, children: t }) {
  return n('section', { class: 'table-wrap', tabIndex: 0, 'aria-label': e, children: t });
}
function W({ children: e }) {
  return n('h1', { id: 'page-title', tabIndex: -1, children: e });
}
function se({ items: e }) {
  return n('nav', {
    'aria-label': 'Breadcrumb',
    class: 'crumbs',
    children: n('ol', {
      children: e.map((t, o) =>
        t.href && o < e.length - 1
          ? n('li', { children: n('a', { href: t.href, children: t.label }) }, t.label)
          : n('li', { 'aria-current': 'page', children: t.label }, t.label),
      ),
    }),
  });
}
var F = (e) => encodeURIComponent(e);
function w(e, t, o = {}) {
  const a = new URLSearchParams();
  o.namespace && a.set('ns', o.namespace),
    o.state && a.set('state', o.state),
    o.name && a.set('q', o.name),
    o.page && a.set('page', String(o.page));
  const r = a.toString();
  return `/katalogs/${F(e)}/boxes/${F(t)}${r ? `?${r}` : ''}`;
}
function Ze(e, t, o, a) {
  const r = `/katalogs/${F(e)}/boxes/${F(t)}`;
  return o ? `${r}/namespaces/${F(o)}/${F(a)}` : `${r}/cluster/${F(a)}`;
}
function et(e, t) {
  const o = e.split('/').filter(Boolean).map(decodeURIComponent),
    [a, r, s, c, l, u, p] = o;
  if (a === 'katalogs' && r && s === 'boxes' && c) {
    if (l === 'namespaces' && u && p) return { page: 'resource', katalog: r, box: c, namespace: u, name: p };
    if (l === 'cluster' && u) return { page: 'resource', katalog: r, box: c, namespace: '', name: u };
    const _ = new URLSearchParams(t),
      h = _.get('state'),
      m = Number.parseInt(_.get('page') ?? '', 10);
    return {
      page: 'box',
      katalog: r,
      box: c,
      query: {
        ...(_.get('ns') ? { namespace: _.get('ns') ?? '' } : {}),
        ...(h === 'ready' || h === 'notready' || h === 'stalled' ? { state: h } : {}),
        ...(_.get('q') ? { name: _.get('q') ?? '' } : {}),
        ...(m > 0 ? { page: m } : {}),
      },
    };
  }
  return { page: 'overview' };
}
function tt(e) {
  const t = new URLSearchParams({ view: e.page });
  return (
    e.page === 'box' &&
      (t.set('katalog', e.katalog),
      t.set('box', e.box),
      e.query.namespace && t.set('ns', e.query.namespace),
      e.query.state && t.set('state', e.query.state),
      e.query.name && t.set('q', e.query.name),
      e.query.page && t.set('page', String(e.query.page))),
    e.page === 'resource' &&
      (t.set('katalog', e.katalog), t.set('box', e.box), t.set('namespace', e.namespace), t.set('name', e.name)),
    t.toString()
  );
}
function ot({ view: e, query: t, onQuery: o }) {
  const a = e.box,
    r = Math.max(1, Math.ceil(e.matched / e.pageSize)),
    s = (u) => {
      const p = { ...t, ...u };
      'page' in u || delete p.page;
      for (const _ of Object.keys(p)) (p[_] === '' || p[_] === void 0) && delete p[_];
      o(p);
    },
    c = e.matched === 0 ? 0 : e.page * e.pageSize + 1,
    l = e.page * e.pageSize + e.rows.length;
  return n($, {
    children: [
      n(se, { items: [{ href: '/', label: 'Overview' }, { label: `${a.katalog} / ${a.name}` }] }),
      n(W, { children: ['Box ', a.name, ' ', n(P, { value: a.phase })] }),
      a.message &&
        n('p', { class: `callout ${a.phase === 'Failed' ? 'callout-bad' : ''}`, role: 'status', children: a.message }),
      n('dl', {
        class: 'facts',
        children: [
          n('div', { children: [n('dt', { children: 'Katalog' }), n('dd', { children: a.katalog })] }),
          n('div', { children: [n('dt', { children: 'Kind' }), n('dd', { class: 'mono', children: a.gvk })] }),
          n('div', {
            children: [
              n('dt', { children: 'Workers busy / total' }),
              n('dd', { children: [a.busy, ' / ', a.workers] }),
            ],
          }),
          n('div', { children: [n('dt', { children: 'Queue depth' }), n('dd', { children: a.queueDepth })] }),
          n('div', {
            children: [n('dt', { children: 'Reconciles / min' }), n('dd', { children: a.reconcilesPerMinute })],
          }),
          n('div', { children: [n('dt', { children: 'Errors' }), n('dd', { children: ae(a.errorRatio) })] }),
          n('div', { children: [n('dt', { children: 'p95 reconcile' }), n('dd', { children: re(a.p95Ms) })] }),
          n('div', { children: [n('dt', { children: 'Managed' }), n('dd', { children: a.managed })] }),
        ],
      }),
      n('section', {
        'aria-labelledby': 'activity',
        children: [n('h2', { id: 'activity', children: 'Activity' }), n(Je, { points: e.chart })],
      }),
      n('section', {
        'aria-labelledby': 'resources',
        children: [
          n('h2', { id: 'resources', children: 'Custom resources' }),
          n('search', {
            class: 'filters',
            children: [
              n('label', {
                children: [
                  'Namespace',
                  n('select', {
                    value: t.namespace ?? '',
                    onChange: (u) => s({ namespace: u.currentTarget.value }),
                    children: [
                      n('option', { value: '', children: 'All namespaces' }),
                      e.namespaces.map((u) => n('option', { value: u, children: u || '(cluster)' }, u)),
                    ],
                  }),
                ],
              }),
              n('label', {
                children: [
                  'State',
                  n('select', {
                    value: t.state ?? '',
                    onChange: (u) => s({ state: u.currentTarget.value || void 0 }),
                    children: [
                      n('option', { value: '', children: 'Any' }),
                      n('option', { value: 'ready', children: 'Ready' }),
                      n('option', { value: 'notready', children: 'Not ready' }),
                      n('option', { value: 'stalled', children: 'Stalled' }),
                    ],
                  }),
                ],
              }),
              n('label', {
                children: [
                  'Name contains',
                  n('input', {
                    type: 'search',
                    value: t.name ?? '',
                    onInput: (u) => s({ name: u.currentTarget.value }),
                  }),
                ],
              }),
            ],
          }),
          n('p', {
            'aria-live': 'polite',
            class: 'count',
            children:
              e.matched === 0
                ? `No custom resources match (${e.total} in this box).`
                : `Showing ${c}–${l} of ${e.matched}${e.matched !== e.total ? ` (${e.total} in this box)` : ''}.`,
          }),
          e.rows.length > 0 &&
            n(D, {
              label: `Custom resources of box ${a.name}`,
              children: n('table', {
                children: [
                  n('thead', {
                    children: n('tr', {
                      children: [
                        n('th', { scope: 'col', children: 'Namespace' }),
                        n('th', { scope: 'col', children: 'Name' }),
                        n('th', { scope: 'col', children: 'Ready' }),
                        n('th', { scope: 'col', children: 'Reason' }),
                        n('th', { scope: 'col', children: 'Age' }),
                        n('th', { scope: 'col', children: 'Ready changed' }),
                      ],
                    }),
                  }),
                  n('tbody', {
                    children: e.rows.map((u) =>
                      n(
                        'tr',
                        {
                          'data-resource': `${u.namespace}/${u.name}`,
                          children: [
                            n('td', { children: u.namespace || '—' }),
                            n('th', {
                              scope: 'row',
                              children: n('a', { href: Ze(a.katalog, a.name, u.namespace, u.name), children: u.name }),
                            }),
                            n('td', {
                              children: [
                                n(P, { value: u.ready }),
                                u.stalled && n(P, { value: 'False', label: 'Stalled' }),
                              ],
                            }),
                            n('td', { children: u.reason }),
                            n('td', { children: q(u.createdAt) }),
                            n('td', { children: u.readySince ? `${q(u.readySince)} ago` : '—' }),
                          ],
                        },
                        `${u.namespace}/${u.name}`,
                      ),
                    ),
                  }),
                ],
              }),
            }),
          r > 1 &&
            n('nav', {
              'aria-label': 'Pages',
              class: 'pager',
              children: [
                n(nt, {
                  href: e.page > 0 ? w(a.katalog, a.name, { ...t, page: e.page - 1 }) : void 0,
                  children: 'Previous page',
                }),
                n('span', { children: ['Page ', e.page + 1, ' of ', r] }),
                n(nt, {
                  href: e.page + 1 < r ? w(a.katalog, a.name, { ...t, page: e.page + 1 }) : void 0,
                  children: 'Next page',
                }),
              ],
            }),
        ],
      }),
      n('section', {
        'aria-labelledby': 'snippet',
        children: [
          n('h2', { id: 'snippet', children: 'Katalog snippet' }),
          n('details', {
            children: [
              n('summary', { children: ['Box ', a.name, ' as declared in Katalog ', a.katalog] }),
              n('pre', {
                class: 'code',
                children: e.snippet || '(the box is not running, so its configuration is not loaded)',
              }),
            ],
          }),
        ],
      }),
    ],
  });
}
function nt({ href: e, children: t }) {
  return e ? n('a', { href: e, children: t }) : n('span', { class: 'disabled', children: t });
}
var wt = {
  leader: 'This replica is the leader: it runs the boxes.',
  standby: 'This replica is a standby: the leader runs the boxes, so none are listed here.',
  single: 'Leader election is off: this replica runs the boxes.',
};
function at({ view: e }) {
  const t = e.katalogs.flatMap((a) => a.boxes),
    o = t.filter((a) => a.phase === 'Failed' || a.phase === 'Degraded').length;
  return n($, {
    children: [
      n(W, { children: 'Overview' }),
      n('p', {
        class: 'lede',
        children: [
          wt[e.replica.role],
          e.replica.leader ? ` Leader: ${e.replica.leader}.` : '',
          ' ',
          e.katalogs.length,
          ' Katalog',
          e.katalogs.length === 1 ? '' : 's',
          ', ',
          t.length,
          ' box',
          t.length === 1 ? '' : 'es',
          o ? `, ${o} failed or degraded` : '',
          '.',
        ],
      }),
      e.katalogs.length === 0 && n('p', { children: 'No Katalogs yet. Apply one with kubectl and it appears here.' }),
      e.katalogs.map((a) =>
        n(
          'section',
          {
            'aria-labelledby': `katalog-${a.name}`,
            class: 'katalog',
            children: [
              n('h2', { id: `katalog-${a.name}`, children: ['Katalog ', a.name] }),
              n(D, {
                label: `Boxes of Katalog ${a.name}`,
                children: n('table', {
                  children: [
                    n('thead', {
                      children: n('tr', {
                        children: [
                          n('th', { scope: 'col', children: 'Box' }),
                          n('th', { scope: 'col', children: 'Phase' }),
                          n('th', { scope: 'col', children: 'Kind' }),
                          n('th', { scope: 'col', children: 'Workers busy / total' }),
                          n('th', { scope: 'col', children: 'Queue' }),
                          n('th', { scope: 'col', children: 'Reconciles / min' }),
                          n('th', { scope: 'col', children: 'Errors' }),
                          n('th', { scope: 'col', children: 'p95' }),
                          n('th', { scope: 'col', children: 'Managed' }),
                          n('th', { scope: 'col', children: 'Message' }),
                        ],
                      }),
                    }),
                    n('tbody', {
                      children: a.boxes.map((r) =>
                        n(
                          'tr',
                          {
                            'data-box': r.name,
                            children: [
                              n('th', {
                                scope: 'row',
                                children: n('a', { href: w(a.name, r.name), children: r.name }),
                              }),
                              n('td', { children: n(P, { value: r.phase }) }),
                              n('td', { class: 'mono', children: r.gvk }),
                              n('td', { class: 'num', children: [r.busy, ' / ', r.workers] }),
                              n('td', { class: 'num', children: r.queueDepth }),
                              n('td', { class: 'num', children: r.reconcilesPerMinute }),
                              n('td', { class: 'num', children: ae(r.errorRatio) }),
                              n('td', { class: 'num', children: re(r.p95Ms) }),
                              n('td', { class: 'num', children: r.managed }),
                              n('td', { class: 'message', children: r.message }),
                            ],
                          },
                          r.name,
                        ),
                      ),
                    }),
                  ],
                }),
              }),
            ],
          },
          a.name,
        ),
      ),
    ],
  });
}
function rt({ view: e }) {
  const t = e.namespace ? `${e.namespace}/${e.name}` : e.name,
    o = e.gvk.split('/').pop() ?? 'Resource',
    a = e.conditions.find((r) => r.type === 'Ready');
  return n($, {
    children: [
      n(se, {
        items: [
          { href: '/', label: 'Overview' },
          { href: w(e.katalog, e.box), label: `${e.katalog} / ${e.box}` },
          { label: t },
        ],
      }),
      n(W, {
        children: [
          o,
          ' ',
          t,
          ' ',
          e.found && n(P, { value: a?.status ?? 'Unknown', label: a ? `Ready ${a.status}` : 'Not reconciled yet' }),
        ],
      }),
      !e.found &&
        n('p', {
          class: 'callout',
          role: 'status',
          children: [
            'Not in box ',
            e.box,
            "'s cache: it does not exist (any more), or the box does not watch its namespace.",
          ],
        }),
      e.found &&
        n('dl', {
          class: 'facts',
          children: [
            n('div', { children: [n('dt', { children: 'Kind' }), n('dd', { class: 'mono', children: e.gvk })] }),
            n('div', { children: [n('dt', { children: 'Age' }), n('dd', { children: q(e.createdAt) })] }),
            n('div', {
              children: [
                n('dt', { children: 'Generation / observed' }),
                n('dd', { children: [e.generation ?? '—', ' / ', e.observedGeneration ?? '—'] }),
              ],
            }),
            e.deleting &&
              n('div', { children: [n('dt', { children: 'Deletion' }), n('dd', { children: 'in progress' })] }),
          ],
        }),
      n('section', {
        'aria-labelledby': 'conditions',
        children: [
          n('h2', { id: 'conditions', children: 'Conditions' }),
          e.conditions.length === 0
            ? n('p', { children: 'None yet.' })
            : n(D, {
                label: 'Conditions',
                children: n('table', {
                  children: [
                    n('thead', {
                      children: n('tr', {
                        children: [
                          n('th', { scope: 'col', children: 'Type' }),
                          n('th', { scope: 'col', children: 'Status' }),
                          n('th', { scope: 'col', children: 'Reason' }),
                          n('th', { scope: 'col', children: 'Message' }),
                          n('th', { scope: 'col', children: 'Changed' }),
                        ],
                      }),
                    }),
                    n('tbody', {
                      children: e.conditions.map((r) =>
                        n(
                          'tr',
                          {
                            children: [
                              n('th', { scope: 'row', children: r.type }),
                              n('td', {
                                children: n(P, { value: r.type === 'Ready' ? r.status : 'Unknown', label: r.status }),
                              }),
                              n('td', { children: r.reason ?? '' }),
                              n('td', { class: 'message', children: r.message ?? '' }),
                              n('td', { children: r.lastTransitionTime ? `${q(r.lastTransitionTime)} ago` : '—' }),
                            ],
                          },
                          r.type,
                        ),
                      ),
                    }),
                  ],
                }),
              }),
        ],
      }),
      n('section', {
        'aria-labelledby': 'children',
        children: [
          n('h2', { id: 'children', children: 'Children' }),
          e.children.length === 0
            ? n('p', { children: 'No children reported in status yet.' })
            : n(D, {
                label: 'Children',
                children: n('table', {
                  children: [
                    n('thead', {
                      children: n('tr', {
                        children: [
                          n('th', { scope: 'col', children: 'Kind' }),
                          n('th', { scope: 'col', children: 'Name' }),
                          n('th', { scope: 'col', children: 'State' }),
                          n('th', { scope: 'col', children: 'Why not ready' }),
                          n('th', { scope: 'col', children: 'Created' }),
                          n('th', { scope: 'col', children: 'Corrected' }),
                        ],
                      }),
                    }),
                    n('tbody', {
                      children: e.children.map((r) =>
                        n(
                          'tr',
                          {
                            'data-child': `${r.kind}/${r.name}`,
                            children: [
                              n('td', { children: r.kind }),
                              n('th', { scope: 'row', class: 'mono', children: r.name }),
                              n('td', { children: n(P, { value: r.state }) }),
                              n('td', { class: 'message', children: r.reason ?? '' }),
                              n('td', {
                                children:
                                  r.created > 1 ? `recreated (${r.created - 1}×)` : r.created === 1 ? 'once' : '—',
                              }),
                              n('td', { children: r.updated ? `${r.updated}×` : '—' }),
                            ],
                          },
                          `${r.kind}/${r.name}`,
                        ),
                      ),
                    }),
                  ],
                }),
              }),
        ],
      }),
      n('section', {
        'aria-labelledby': 'events',
        children: [
          n('h2', { id: 'events', children: 'Recent Events' }),
          e.events.length === 0
            ? n('p', { children: 'No Events from Orkestra about this resource since this replica started.' })
            : n(D, {
                label: 'Recent Events',
                children: n('table', {
                  children: [
                    n('thead', {
                      children: n('tr', {
                        children: [
                          n('th', { scope: 'col', children: 'When' }),
                          n('th', { scope: 'col', children: 'Type' }),
                          n('th', { scope: 'col', children: 'Reason' }),
                          n('th', { scope: 'col', children: 'Message' }),
                        ],
                      }),
                    }),
                    n('tbody', {
                      children: e.events.map((r, s) =>
                        n(
                          'tr',
                          {
                            children: [
                              n('td', { children: [q(r.at), ' ago'] }),
                              n('td', {
                                children: n(P, { value: r.type === 'Warning' ? 'Degraded' : 'Unknown', label: r.type }),
                              }),
                              n('td', { children: r.reason }),
                              n('td', { class: 'message', children: r.message }),
                            ],
                          },
                          `${r.at}-${s}`,
                        ),
                      ),
                    }),
                  ],
                }),
              }),
        ],
      }),
      n('section', {
        'aria-labelledby': 'fields',
        children: [
          n('h2', { id: 'fields', children: 'Status fields' }),
          e.fields ? n('pre', { class: 'code', children: e.fields }) : n('p', { children: 'None.' }),
        ],
      }),
      n('section', {
        'aria-labelledby': 'spec',
        children: [
          n('h2', { id: 'spec', children: 'Spec' }),
          e.spec ? n('pre', { class: 'code', children: e.spec }) : n('p', { children: 'None.' }),
        ],
      }),
    ],
  });
}
function st(e, t, o) {
  let a = new AbortController(),
    r,
    s = async () => {
      o.connection('connecting');
      try {
        const c = await fetch(`/api/ui/stream?${e}`, {
          headers: t ? { Authorization: `Bearer ${t}`, Accept: 'text/event-stream' } : {},
          signal: a.signal,
          cache: 'no-store',
        });
        if (c.status === 401) {
          o.connection('unauthorized');
          return;
        }
        if (!c.ok || !c.body) throw new Error(`stream answered ${c.status}`);
        o.connection('live');
        let l = c.body.pipeThrough(new TextDecoderStream()).getReader(),
          u = '';
        for (;;) {
          const { value: p, done: _ } = await l.read();
          if (_) break;
          u += p;
          let h = u.indexOf(`

`);
          for (; h >= 0; ) {
            const m = u.slice(0, h);
            (u = u.slice(h + 2)),
              (h = u.indexOf(`

`));
            const i = m.split(`
`);
            if (!i.includes('event: view')) continue;
            const d = i
              .filter((g) => g.startsWith('data: '))
              .map((g) => g.slice(6))
              .join(`
`);
            o.view(JSON.parse(d));
          }
        }
        throw new Error('stream ended');
      } catch {
        if (a.signal.aborted) return;
        o.connection('offline'),
          (r = setTimeout(() => {
            s();
          }, 2e3));
      }
    };
  return (
    s(),
    () => {
      a.abort(), r && clearTimeout(r);
    }
  );
}
var it = 'orkestra.ui.theme';
function lt() {
  const e = localStorage.getItem(it);
  return e === 'light' || e === 'dark' ? e : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}
function ct(e) {
  localStorage.setItem(it, e);
}
function _t(e) {
  document.documentElement.dataset.theme = e;
}
var ut = 'orkestra.ui.token';
function ie() {
  return et(location.pathname, location.search);
}
var Mt = { connecting: 'Connecting…', live: 'Live', offline: 'Reconnecting…', unauthorized: 'Token needed' };
function Et({ onToken: e }) {
  const [t, o] = U('');
  return n('form', {
    class: 'token-form',
    onSubmit: (a) => {
      a.preventDefault(), e(t.trim());
    },
    children: [
      n('h1', { id: 'page-title', tabIndex: -1, children: 'Access token' }),
      n('p', { children: "This controller's Control Center needs the bearer token from its --ui-token-file." }),
      n('label', {
        children: [
          'Token',
          n('input', { type: 'password', autoComplete: 'off', value: t, onInput: (a) => o(a.currentTarget.value) }),
        ],
      }),
      n('button', { type: 'submit', children: 'Open' }),
    ],
  });
}
function Nt() {
  const [e, t] = U(ie),
    [o, a] = U(),
    [r, s] = U('connecting'),
    [c, l] = U(() => sessionStorage.getItem(ut) ?? void 0),
    [u, p] = U(lt),
    _ = ze(!1);
  I(() => _t(u), [u]),
    I(() => {
      const g = (y) => {
          if (y.defaultPrevented || y.button !== 0 || y.metaKey || y.ctrlKey || y.shiftKey || y.altKey) return;
          const f = y.target?.closest('a');
          !f ||
            f.target ||
            f.origin !== location.origin ||
            (y.preventDefault(), history.pushState(null, '', f.pathname + f.search), (_.current = !0), t(ie()));
        },
        v = () => {
          (_.current = !0), t(ie());
        };
      return (
        document.addEventListener('click', g),
        window.addEventListener('popstate', v),
        () => {
          document.removeEventListener('click', g), window.removeEventListener('popstate', v);
        }
      );
    }, []);
  const h = tt(e);
  I(() => (a(void 0), st(h, c, { view: a, connection: s })), [h, c]),
    I(() => {
      !_.current || !o || ((_.current = !1), document.getElementById('page-title')?.focus());
    }, [o]);
  const m = e.page === 'overview' ? 'Overview' : e.page === 'box' ? `Box ${e.box}` : e.name;
  I(() => {
    document.title = `${m} · Orkestra Control Center`;
  }, [m]);
  let i = (g) => {
      e.page === 'box' && (history.replaceState(null, '', w(e.katalog, e.box, g)), t(ie()));
    },
    d;
  return (
    r === 'unauthorized'
      ? (d = n(Et, {
          onToken: (g) => {
            sessionStorage.setItem(ut, g), l(g);
          },
        }))
      : o
        ? o.kind === 'notfound'
          ? (d = n($, {
              children: [
                n('h1', { id: 'page-title', tabIndex: -1, children: 'Not found' }),
                n('p', { children: o.message }),
                n('p', { children: n('a', { href: '/', children: 'Back to the overview' }) }),
              ],
            }))
          : o.kind === 'overview'
            ? (d = n(at, { view: o }))
            : o.kind === 'box' && e.page === 'box'
              ? (d = n(ot, { view: o, query: e.query, onQuery: i }))
              : o.kind === 'resource'
                ? (d = n(rt, { view: o }))
                : (d = n('p', { 'aria-busy': 'true', children: 'Loading…' }))
        : (d = n('p', { 'aria-busy': 'true', children: 'Loading…' })),
    n($, {
      children: [
        n('a', { class: 'skip', href: '#main', children: 'Skip to content' }),
        n('header', {
          class: 'top',
          children: [
            n('a', { class: 'brand', href: '/', children: 'Orkestra Control Center' }),
            n('output', { class: `conn conn-${r}`, 'aria-live': 'polite', children: Mt[r] }),
            n('button', {
              type: 'button',
              class: 'theme',
              'aria-pressed': u === 'dark',
              onClick: () => {
                const g = u === 'dark' ? 'light' : 'dark';
                ct(g), p(g);
              },
              children: 'Dark theme',
            }),
          ],
        }),
        n('main', { id: 'main', children: d }),
      ],
    })
  );
}
var dt = document.getElementById('app');
dt && Le(n(Nt, {}), dt);
