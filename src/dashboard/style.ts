/**
 * The dashboard's style sheet, served as `/dashboard.css`. System fonts only (CJK fonts named for each
 * platform), light and dark colour schemes with readable contrast, and below 700 px every table turns into
 * stacked cards whose cells show their column name (`data-label`).
 * @module
 */
export const CSS = `:root{--bg:#f4f5f7;--fg:#1b1f24;--mut:#59636e;--card:#fff;--line:#d8dde3;--acc:#0a58c2;--accfg:#fff;--bad:#a8200d;--badbg:#fdeceb;--warn:#8a4b00;--warnbg:#fff4e0;--on:#9a3412;--onbg:#ffedd5;color-scheme:light dark;font:15px/1.5 system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",sans-serif}
@media(prefers-color-scheme:dark){:root{--bg:#121519;--fg:#e6e9ed;--mut:#a4aeb9;--card:#1b1f25;--line:#343b44;--acc:#7cb0ff;--accfg:#0b1a33;--bad:#ff9c8f;--badbg:#3b1e1b;--warn:#ffcf7a;--warnbg:#352a12;--on:#fdba74;--onbg:#3a2514}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--fg)}
header{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;padding:.6rem 1rem;background:var(--card);border-bottom:1px solid var(--line)}
h1{font-size:1.15rem;margin:0;flex:1 1 auto}
h2{font-size:1rem;margin:0 0 .6rem}
h3{font-size:.95rem;margin:1rem 0 .4rem}
main{max-width:1240px;margin:0 auto;padding:1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem;min-width:0}
.top{display:grid;gap:1rem;margin-bottom:1rem}
.top .card{margin:0}
@media(min-width:960px){.top{grid-template-columns:3fr 2fr}}
button,input,select{font:inherit;color:inherit}
input,select{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.3rem .5rem;min-height:2.4rem;max-width:100%}
button{background:var(--acc);color:var(--accfg);border:1px solid var(--acc);border-radius:6px;padding:.3rem .9rem;min-height:2.4rem;cursor:pointer}
button.sec{background:transparent;color:var(--acc);border-color:var(--line)}
button:disabled{opacity:.45;cursor:default}
:focus-visible{outline:3px solid var(--acc);outline-offset:2px}
a{color:var(--acc)}
label{display:block;font-size:.85rem;color:var(--mut);margin-bottom:.15rem}
.row{display:flex;gap:.5rem}
.row input{flex:1;min-width:0}
.hint,.muted{color:var(--mut);font-size:.85rem}
#login{max-width:34rem}
#msg p{margin:0 0 .75rem;padding:.6rem .8rem;border-radius:6px;border-left:4px solid var(--acc);background:var(--card)}
#msg p.err{border-color:var(--bad);background:var(--badbg)}
#msg p.warn{border-color:var(--warn);background:var(--warnbg)}
#status p.sig{margin:0 0 .75rem;padding:.6rem .8rem;border-radius:6px;border-left:4px solid var(--bad);background:var(--badbg)}
#status p.sig.absent{border-color:var(--warn);background:var(--warnbg)}
#filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-end}
#filters .grow{flex:1 1 14rem}
#filters .grow input{width:100%}
.btns{display:flex;flex-wrap:wrap;gap:.4rem}
table{width:100%;border-collapse:collapse;font-size:.9rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;color:var(--mut);font-weight:600;white-space:nowrap}
#rows tr{cursor:pointer}
#rows tr:hover{background:var(--bg)}
tr.bad .err{color:var(--bad);font-weight:600}
.t{white-space:nowrap}
.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8rem;overflow-wrap:anywhere}
.body{white-space:pre-wrap;overflow-wrap:anywhere}
td .body{max-width:30rem}
.clamp{display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
td:first-child a{white-space:nowrap}
.badge{display:inline-block;padding:0 .5rem;border-radius:99px;font-size:.8rem;white-space:nowrap;background:var(--bg);color:var(--mut);border:1px solid var(--line)}
.badge.on{background:var(--onbg);color:var(--on);border-color:transparent}
.pager{display:flex;gap:.5rem;justify-content:flex-end;margin-top:.75rem}
.bars{display:block;width:100%;height:120px}
.bar{fill:var(--acc)}
.bar.zero{fill:var(--line)}
.axis{display:flex;justify-content:space-between;font-size:.8rem;color:var(--mut);margin-top:.25rem}
#chart-sum{margin:0 0 .5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:0 0 1rem}
dt{color:var(--mut)}
dd{margin:0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);padding:.75rem;border-radius:6px;font-size:.8rem}
summary{cursor:pointer;color:var(--acc)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media(max-width:700px){main{padding:.5rem}.card{padding:.75rem}
.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.cards tr{display:block;padding:.4rem 0;border-bottom:1px solid var(--line)}
.cards td{display:grid;grid-template-columns:6.5rem 1fr;gap:.5rem;border:0;padding:.15rem .25rem;text-align:left}
.cards td::before{content:attr(data-label);color:var(--mut);font-size:.8rem}
.cards td>*{justify-self:start}
#rows tr{display:grid;grid-template-columns:1fr auto;gap:.2rem .75rem;grid-template-areas:"t a" "b b" "s m" "o o" "f f";padding:.6rem 0}
#rows td{display:block;padding:0}
#rows td::before{content:none}
#rows .c-t{grid-area:t;font-weight:600}#rows .c-a{grid-area:a;font-weight:600}#rows .c-b{grid-area:b}#rows .c-s{grid-area:s}
#rows .c-m{grid-area:m;color:var(--mut);text-align:right}#rows .c-o{grid-area:o;color:var(--mut)}#rows .c-f{grid-area:f;color:var(--mut);font-size:.8rem}
#rows .c-f::before{content:attr(data-label) " ";font-size:.8rem}
dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.5rem}}
`;
