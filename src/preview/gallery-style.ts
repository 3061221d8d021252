/** The gallery's stylesheet, inline: the page must open from a downloaded artifact, offline. */
export const GALLERY_CSS = `
:root { color-scheme: light; --line: #d8dee4; --muted: #57606a; --warn: #fff8c5; --bad: #cf222e; --good: #1a7f37; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 1280px; padding: 1.5rem; color: #1f2328; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 2px solid var(--line); padding-bottom: .3rem; margin-top: 2.5rem; } h3 { margin-bottom: .2rem; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 0 .25em; border-radius: 4px; }
pre { background: #f6f8fa; padding: .8rem; overflow: auto; font-size: 13px; }
mark { background: var(--warn); padding: 0 .2em; border-radius: 3px; }
.muted { color: var(--muted); font-weight: normal; font-size: .9em; }
.notices { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem .8rem 2rem; }
.description { font-size: 1.05rem; }
.step { border-left: 4px solid var(--line); padding-left: 1rem; margin: 1.5rem 0; }
.who, .when { margin: .2rem 0; }
.emails { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 1rem; margin-top: .8rem; }
.email { border: 1px solid var(--line); border-radius: 8px; padding: .8rem; background: #fff; min-width: 0; }
.email header { margin-bottom: .4rem; overflow-wrap: anywhere; }
.email .files { float: right; font-size: .85em; }
.email header::after { content: ""; display: block; clear: both; }
.lang { display: inline-block; background: #0969da; color: #fff; border-radius: 4px; padding: 0 .4em; font-size: .85em; text-transform: uppercase; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .4rem 0; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
.unresolved { background: var(--warn); padding: .3rem .5rem; border-radius: 4px; }
.ok { color: var(--good); margin: .3rem 0; }
details { margin: .3rem 0; } summary { cursor: pointer; }
.lint ul { margin: .3rem 0; padding-left: 1.2rem; font-size: .9em; }
.spam table { border-collapse: collapse; font-size: .85em; margin-top: .3rem; }
.spam td, .spam th { border-bottom: 1px solid var(--line); padding: .15rem .4rem; text-align: left; vertical-align: top; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.score { padding: 0 .35em; border-radius: 4px; color: #fff; }
.score.good { background: var(--good); } .score.warn { background: #9a6700; } .score.bad { background: var(--bad); }
.shots { display: flex; gap: .6rem; align-items: flex-start; margin-top: .5rem; }
.shot { display: block; border: 1px solid var(--line); text-decoration: none; color: var(--muted); font-size: .8em; text-align: center; }
.shot img { display: block; max-height: 420px; object-fit: cover; object-position: top; }
.shot.desktop { flex: 0 0 66%; } .shot.mobile { flex: 0 0 31%; } .shot img { width: 100%; }
.frame { width: 100%; height: 420px; border: 1px solid var(--line); border-radius: 4px; margin-top: .5rem; background: #fff; }
`;
