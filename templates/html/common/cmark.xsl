<?xml version="1.0" encoding="UTF-8"?>
<!--
  cmark.xsl: cmark's XML vocabulary (http://commonmark.org/xml/1.0) to HTML,
  node for node as cmark-gfm's own HTML renderer (src/html.c and the table,
  tasklist and strikethrough extensions) writes it, up to whitespace.

  Deliberate deviations:
  - table cells align with style="text-align: x", not the obsolete align="x";
  - headings keep the id attribute the resolver gave them;
  - links carrying m:anchor (cross references) get their href from the
    xref.href mode (xref.xsl);
  - raw HTML (html_block, html_inline) produces nothing, not cmark's
    "raw HTML omitted" comment.

  Two parameters, whose defaults keep cmark-gfm's HTML (`manualgen render`,
  tests/equiv), let a page fit the body into its own outline:
    md.heading.offset   added to every heading's level (up to h6): 1 in the
                        single-page handbook, where chapters are h2 and
                        sections h3, so that ### becomes h4;  default 0
    md.table.scroll     true(): every table in a box of its own that scrolls
                        sideways on a narrow screen (div.table-wrap, which
                        the keyboard can reach, named by the string
                        table-scroll), and an empty header cell written as
                        td (a header cell names what it heads);  default
                        false()

  Only element children are processed (apply-templates select="*"): the
  whitespace an indented input carries between elements is never copied, and
  the text of text/code/code_block nodes is taken whole, so no
  xsl:strip-space is needed.  Escaping is left to the serializer.

  The elements are cmark's, and, in a release's change page, the change
  marks m:ins, m:del (inside or between inlines, inside code) and
  m:ins-block, m:del-block (around blocks, list items or table rows),
  which changes.xsl renders.  Any other element goes to catchall.xsl.

  Modes:  (default)  block and inline rendering
          md.plain   plain text of an image description (its alt)
  Named:  md.href    a destination escaped as cmark's houdini_escape_href
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:md="http://commonmark.org/xml/1.0"
                xmlns:m="urn:manualgen"
                xmlns:str="http://exslt.org/strings"
                extension-element-prefixes="str"
                exclude-result-prefixes="md m str">

  <xsl:param name="md.heading.offset" select="0"/>
  <xsl:param name="md.table.scroll" select="false()"/>

  <!-- ==== Blocks ========================================================= -->

  <xsl:template match="md:document">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- A paragraph directly in an item of a tight list loses its <p> (the
       item may sit in a change mark inside the list). -->
  <xsl:template match="md:paragraph">
    <xsl:choose>
      <xsl:when test="(parent::*/parent::md:list
                       | parent::*/parent::m:*/parent::md:list)[@tight = 'true']">
        <xsl:apply-templates select="*"/>
      </xsl:when>
      <xsl:otherwise>
        <p><xsl:apply-templates select="*"/></p>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="md:heading">
    <xsl:variable name="level">
      <xsl:choose>
        <xsl:when test="@level + $md.heading.offset > 6">6</xsl:when>
        <xsl:otherwise><xsl:value-of select="@level + $md.heading.offset"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:element name="h{$level}">
      <xsl:copy-of select="@id"/>
      <xsl:apply-templates select="*"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="md:block_quote">
    <blockquote><xsl:apply-templates select="*"/></blockquote>
  </xsl:template>

  <xsl:template match="md:thematic_break">
    <hr/>
  </xsl:template>

  <!-- The class names the first word of the info string (cmark_isspace:
       tab, LF and CR can occur in XML besides the space). -->
  <xsl:template match="md:code_block">
    <pre>
      <code>
        <xsl:if test="string(@info) != ''">
          <xsl:attribute name="class">
            <xsl:text>language-</xsl:text>
            <xsl:value-of select="substring-before(concat(translate(@info,
                                  '&#9;&#10;&#13;', '   '), ' '), ' ')"/>
          </xsl:attribute>
        </xsl:if>
        <xsl:apply-templates select="node()"/>
      </code>
    </pre>
  </xsl:template>

  <xsl:template match="md:list[@type = 'bullet']">
    <ul><xsl:apply-templates select="*"/></ul>
  </xsl:template>

  <xsl:template match="md:list[@type = 'ordered']">
    <ol>
      <xsl:if test="@start and @start != 1">
        <xsl:copy-of select="@start"/>
      </xsl:if>
      <xsl:apply-templates select="*"/>
    </ol>
  </xsl:template>

  <xsl:template match="md:item">
    <li><xsl:apply-templates select="*"/></li>
  </xsl:template>

  <!-- GFM task list item: the checkbox, a space, then the content. The
       box is named by the item's first paragraph (aria-label), which a
       screen reader announces with it; cmark-gfm names it not at all. -->
  <xsl:template match="md:tasklist">
    <li>
      <input type="checkbox">
        <xsl:if test="@completed = 'true'">
          <xsl:attribute name="checked"/>
        </xsl:if>
        <xsl:attribute name="disabled"/>
        <xsl:if test="string(md:paragraph[1]) != ''">
          <xsl:attribute name="aria-label">
            <xsl:value-of select="md:paragraph[1]"/>
          </xsl:attribute>
        </xsl:if>
      </input>
      <xsl:text> </xsl:text>
      <xsl:apply-templates select="*"/>
    </li>
  </xsl:template>

  <!-- Raw HTML: dropped (the resolver already removes it). -->
  <xsl:template match="md:html_block | md:html_inline"/>

  <!-- Custom nodes: their on_enter/on_exit literals are raw HTML, so only
       the children are rendered. -->
  <xsl:template match="md:custom_block | md:custom_inline">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- ==== Tables (GFM extension) ========================================= -->

  <xsl:template match="md:table">
    <xsl:choose>
      <xsl:when test="$md.table.scroll">
        <div class="table-wrap" tabindex="0" role="group">
          <xsl:call-template name="table.scroll.label"/>
          <xsl:apply-templates select="." mode="md.table"/>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="." mode="md.table"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="md:table" mode="md.table">
    <table>
      <xsl:apply-templates select="md:table_header"/>
      <xsl:if test="md:table_row | m:*">
        <tbody><xsl:apply-templates select="md:table_row | m:*"/></tbody>
      </xsl:if>
    </table>
  </xsl:template>

  <xsl:template match="md:table_header">
    <thead>
      <tr><xsl:apply-templates select="md:table_cell"/></tr>
    </thead>
  </xsl:template>

  <xsl:template match="md:table_row">
    <tr><xsl:apply-templates select="md:table_cell"/></tr>
  </xsl:template>

  <!-- manualgen gives every cell its column's alignment (parse.c), so a
       cell never has to look up its column in the header. -->
  <xsl:template match="md:table_cell">
    <xsl:variable name="align" select="@align"/>
    <xsl:variable name="name">
      <xsl:choose>
        <xsl:when test="parent::md:table_header and $md.table.scroll
                        and not(*)">td</xsl:when>
        <xsl:when test="parent::md:table_header">th</xsl:when>
        <xsl:otherwise>td</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:element name="{$name}">
      <xsl:if test="$align = 'left' or $align = 'center' or $align = 'right'">
        <xsl:attribute name="style">
          <xsl:value-of select="concat('text-align: ', $align)"/>
        </xsl:attribute>
      </xsl:if>
      <xsl:apply-templates select="*"/>
    </xsl:element>
  </xsl:template>

  <!-- ==== Inlines ======================================================== -->

  <xsl:template match="md:text">
    <xsl:value-of select="."/>
  </xsl:template>

  <!-- Text with change marks in it. -->
  <xsl:template match="md:text[*]">
    <xsl:apply-templates select="node()"/>
  </xsl:template>

  <xsl:template match="md:softbreak">
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="md:linebreak">
    <br/>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="md:code">
    <code><xsl:apply-templates select="node()"/></code>
  </xsl:template>

  <xsl:template match="md:emph">
    <em><xsl:apply-templates select="*"/></em>
  </xsl:template>

  <xsl:template match="md:strong">
    <strong><xsl:apply-templates select="*"/></strong>
  </xsl:template>

  <xsl:template match="md:strikethrough">
    <del><xsl:apply-templates select="*"/></del>
  </xsl:template>

  <xsl:template match="md:link">
    <a>
      <xsl:attribute name="href">
        <xsl:apply-templates select="." mode="xref.href"/>
      </xsl:attribute>
      <xsl:if test="string(@title) != ''">
        <xsl:copy-of select="@title"/>
      </xsl:if>
      <xsl:apply-templates select="*"/>
    </a>
  </xsl:template>

  <xsl:template match="md:image">
    <img>
      <xsl:attribute name="src">
        <xsl:call-template name="md.href">
          <xsl:with-param name="url" select="@destination"/>
        </xsl:call-template>
      </xsl:attribute>
      <xsl:attribute name="alt">
        <xsl:apply-templates select="md:*" mode="md.plain"/>
      </xsl:attribute>
      <xsl:if test="string(@title) != ''">
        <xsl:copy-of select="@title"/>
      </xsl:if>
    </img>
  </xsl:template>

  <!-- ==== Plain text (image alt), as cmark's renderer->plain ============== -->

  <xsl:template match="md:text | md:code | md:html_inline" mode="md.plain">
    <xsl:value-of select="."/>
  </xsl:template>

  <xsl:template match="md:softbreak | md:linebreak" mode="md.plain">
    <xsl:text> </xsl:text>
  </xsl:template>

  <xsl:template match="md:*" mode="md.plain">
    <xsl:apply-templates select="md:*" mode="md.plain"/>
  </xsl:template>

  <!-- ==== Destinations ==================================================== -->

  <!--
    md.href: a link or image destination as cmark writes it.
    - Dangerous schemes (javascript:, vbscript:, file:, data: other than
      data:image/png|gif|jpeg|webp; any case) give an empty href.
    - Otherwise percent-encoding as houdini_escape_href: str:encode-uri
      (reserved characters kept) escapes the same set except that it also
      escapes % and # (undone here: each escape of % or # in its output is
      exactly "%25" / "%23") and keeps [ and ] (escaped here).
  -->
  <xsl:template name="md.href">
    <xsl:param name="url"/>
    <xsl:variable name="lc" select="translate($url,
        'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"/>
    <xsl:choose>
      <xsl:when test="starts-with($lc, 'javascript:')
                   or starts-with($lc, 'vbscript:')
                   or starts-with($lc, 'file:')
                   or (starts-with($lc, 'data:')
                       and not(starts-with($lc, 'data:image/png')
                            or starts-with($lc, 'data:image/gif')
                            or starts-with($lc, 'data:image/jpeg')
                            or starts-with($lc, 'data:image/webp')))"/>
      <xsl:otherwise>
        <xsl:value-of select="str:replace(str:replace(str:replace(str:replace(
            str:encode-uri($url, false()),
            '%23', '#'), '%25', '%'), '[', '%5B'), ']', '%5D')"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
