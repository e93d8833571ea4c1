"""Latin Modern as TrueType, for the paper presets' figure PDFs (lib/notebook/figure-preset.ts).

Debian's fonts-lmodern ships OpenType fonts with CFF outlines; chromium's PDF backend (Skia)
embeds CFF fonts as nameless Type 3 fonts, but TrueType fonts as named, subset CID fonts
(pdffonts: LMRoman9-Regular, …). This converts the cubic outlines to quadratic ones (fontTools'
cu2qu, max error 1 unit of 1000 per em: invisible) and keeps every other table (names, metrics,
kerning, the MATH table).

usage: python3 tools/latin-modern-ttf.py <out-dir> <font.otf>...   (Debian: python3-fonttools)
"""
import os
import sys

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable


def otf_to_ttf(src: str, dst: str) -> None:
    font = TTFont(src)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    font["head"].glyphDataFormat = 0
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for k in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
              "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, k, 1 if k == "maxZones" else 0)
    maxp.maxPoints = maxp.maxContours = maxp.maxCompositePoints = maxp.maxCompositeContours = maxp.maxComponentDepth = 0
    font["maxp"] = maxp
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    for t in ("CFF ", "VORG"):
        if t in font:
            del font[t]
    font.sfntVersion = "\x00\x01\x00\x00"
    tmp = f"{dst}.{os.getpid()}.tmp"
    font.save(tmp)
    os.replace(tmp, dst)


def main(argv: list) -> int:
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = argv[0]
    os.makedirs(out, exist_ok=True)
    for src in argv[1:]:
        otf_to_ttf(src, os.path.join(out, os.path.basename(src)[:-4] + ".ttf"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
