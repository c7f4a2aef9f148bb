<?xml version="1.0" encoding="UTF-8"?>
<!--
  blocks.xsl: cmark's XML vocabulary (http://commonmark.org/xml/1.0) to
  Typst markup, the print twin of templates/html/common/cmark.xsl (with
  the duty items of duties.xsl and the change marks of changes.xsl).
  Import it after typst.xsl.

  Every text of the content goes out as a string literal (#"…", through
  typst.text); structure comes from Typst calls written here.  A block
  ends with a blank line (a paragraph break), except a paragraph that is
  the body of a tight list item.

    md:paragraph (beside a bar when it holds m:ins or m:del), md:heading (#heading(level: N)), md:block_quote (quote),
    md:thematic_break (line), md:code_block (raw block), md:list (list /
    enum; a list of task items only: mg-task-list, one box a row; a task
    item in a mixed list: mg-box before its text), md:table (table with
    table.header, repeated on every page; columns aligned as the cells),
    md:item[@m:duty] (the duty's id, title in bold, text, and "本厅由 X
    承担" / "来自 X" as the HTML), m:reassigned-duties.
    Inlines: md:text, md:softbreak (a space only next to a character of a
    script that separates words: nothing between two CJK characters),
    md:linebreak, md:code (raw), md:emph, md:strong, md:strikethrough,
    md:link (its text; an outside address, not a cross reference or a
    form, in a footnote), md:image (its description, "[图：…]").
    Change marks: m:ins (underline), m:del (strike), m:ins-block and
    m:del-block (a change bar in the left margin with the label 新增内容 /
    删除内容; around list items, each item carries bar and label; around
    table rows, the first cell carries the label and a bar).
    md:html_block, md:html_inline: nothing.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                xmlns:md="http://commonmark.org/xml/1.0"
                exclude-result-prefixes="m md">

  <!-- Characters that separate words when a source line breaks. -->
  <xsl:variable name="blocks.ascii"
      select="concat('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
                     '0123456789!&quot;#$%&amp;()*+,-./:;&lt;=&gt;?@[\]^_`{|}~', &quot;'&quot;)"/>

  <!-- ==== Blocks ========================================================= -->

  <xsl:template match="md:document">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- Is this block the body of a tight list item?  (The item may sit in a
       change mark inside the list.) -->
  <xsl:template match="*" mode="blocks.tight">
    <xsl:if test="(parent::*/parent::md:list
                   | parent::*/parent::m:*/parent::md:list)[@tight = 'true']">1</xsl:if>
  </xsl:template>

  <!-- The break after a block: a paragraph break, or in a tight item a
       line end when another block follows. -->
  <xsl:template name="blocks.end">
    <xsl:variable name="tight">
      <xsl:apply-templates select="." mode="blocks.tight"/>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="$tight = '1'">
        <xsl:if test="following-sibling::*">
          <xsl:text>&#10;</xsl:text>
        </xsl:if>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>&#10;&#10;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="md:paragraph">
    <xsl:apply-templates select="*"/>
    <xsl:call-template name="blocks.end"/>
  </xsl:template>

  <!-- A paragraph the release changed word by word: a bar beside it. -->
  <xsl:template match="md:paragraph[.//m:ins or .//m:del]
                       [not(ancestor::m:ins-block or ancestor::m:del-block)]">
    <xsl:text>#mg-bar[</xsl:text>
    <xsl:apply-templates select="*"/>
    <xsl:text>]</xsl:text>
    <xsl:call-template name="blocks.end"/>
  </xsl:template>

  <xsl:template match="md:heading">
    <xsl:text>#heading(level: </xsl:text>
    <xsl:value-of select="@level"/>
    <xsl:text>)[</xsl:text>
    <xsl:apply-templates select="*"/>
    <xsl:text>]&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="md:block_quote">
    <xsl:text>#quote(block: true)[</xsl:text>
    <xsl:apply-templates select="*"/>
    <xsl:text>]</xsl:text>
    <xsl:call-template name="blocks.end"/>
  </xsl:template>

  <xsl:template match="md:thematic_break">
    <xsl:text>#line(length: 100%, stroke: 0.5pt)</xsl:text>
    <xsl:call-template name="blocks.end"/>
  </xsl:template>

  <xsl:template match="md:code_block">
    <xsl:text>#block(width: 100%, inset: 6pt, stroke: 0.5pt + luma(160), raw(block: true, </xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="string(.)"/>
    </xsl:call-template>
    <xsl:text>))</xsl:text>
    <xsl:call-template name="blocks.end"/>
  </xsl:template>

  <!-- ==== Lists ========================================================== -->

  <!-- The items of a list, in order, also those inside change marks. -->
  <xsl:template match="md:list">
    <xsl:variable name="entries"
                  select="md:item | md:tasklist | m:*/md:item | m:*/md:tasklist"/>
    <xsl:choose>
      <xsl:when test="not($entries[not(self::md:tasklist)])">
        <xsl:text>#mg-task-list(</xsl:text>
        <xsl:for-each select="$entries">
          <xsl:if test="position() > 1">, </xsl:if>
          <xsl:text>(</xsl:text>
          <xsl:value-of select="@completed = 'true'"/>
          <xsl:text>, [</xsl:text>
          <xsl:apply-templates select="." mode="blocks.entry"/>
          <xsl:text>])</xsl:text>
        </xsl:for-each>
        <xsl:text>)</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:choose>
          <xsl:when test="@type = 'ordered'">
            <xsl:text>#enum(</xsl:text>
            <xsl:if test="@start and @start != 1">
              <xsl:text>start: </xsl:text>
              <xsl:value-of select="number(@start)"/>
              <xsl:text>, </xsl:text>
            </xsl:if>
            <xsl:if test="@delim = 'paren'">
              <xsl:text>numbering: "1)", </xsl:text>
            </xsl:if>
          </xsl:when>
          <xsl:otherwise>#list(</xsl:otherwise>
        </xsl:choose>
        <xsl:text>tight: </xsl:text>
        <xsl:value-of select="@tight = 'true'"/>
        <xsl:for-each select="$entries">
          <xsl:text>,&#10;  [</xsl:text>
          <xsl:if test="self::md:tasklist">
            <xsl:text>#mg-box(</xsl:text>
            <xsl:value-of select="@completed = 'true'"/>
            <xsl:text>) </xsl:text>
          </xsl:if>
          <xsl:apply-templates select="." mode="blocks.entry"/>
          <xsl:text>]</xsl:text>
        </xsl:for-each>
        <xsl:text>)</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:call-template name="blocks.end"/>
  </xsl:template>

  <!-- An item's body; inside a change mark, with the bar and label. -->
  <xsl:template match="*" mode="blocks.entry">
    <xsl:choose>
      <xsl:when test="parent::m:ins-block | parent::m:del-block">
        <xsl:call-template name="blocks.changed">
          <xsl:with-param name="mark" select=".."/>
          <xsl:with-param name="body">
            <xsl:apply-templates select="."/>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="."/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="md:item | md:tasklist">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- A declared duty: id, title, text, and where the hall's owner differs
       from the declared one (or the item is a copy), a note. -->
  <xsl:template match="md:item[@m:duty] | md:tasklist[@m:duty]">
    <xsl:text>#text(size: 0.85em, fill: luma(70))[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="@m:duty"/>
    </xsl:call-template>
    <xsl:text>] #strong[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="@m:duty-title"/>
    </xsl:call-template>
    <xsl:text>] </xsl:text>
    <xsl:apply-templates select="*"/>
    <xsl:variable name="note">
      <xsl:choose>
        <xsl:when test="@m:from-title">
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'duty.from'"/>
            <xsl:with-param name="arg1" select="string(@m:from-title)"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:when test="@m:owner-title">
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'duty.owner-here'"/>
            <xsl:with-param name="arg1" select="string(@m:owner-title)"/>
          </xsl:call-template>
        </xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="string($note) != ''">
      <xsl:text> #emph[</xsl:text>
      <xsl:call-template name="typst.text">
        <xsl:with-param name="value" select="$note"/>
      </xsl:call-template>
      <xsl:text>]</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template match="m:reassigned-duties">
    <xsl:text>#heading(level: 3)[</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'duties.reassigned'"/>
    </xsl:call-template>
    <xsl:text>]&#10;&#10;</xsl:text>
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- ==== Tables (GFM) ==================================================== -->

  <xsl:template match="md:table">
    <xsl:variable name="head" select="md:table_header/md:table_cell"/>
    <xsl:text>#table(columns: </xsl:text>
    <xsl:value-of select="count($head)"/>
    <xsl:text>, align: (</xsl:text>
    <xsl:for-each select="$head">
      <xsl:choose>
        <xsl:when test="@align = 'center'">center</xsl:when>
        <xsl:when test="@align = 'right'">right</xsl:when>
        <xsl:otherwise>left</xsl:otherwise>
      </xsl:choose>
      <xsl:text>, </xsl:text>
    </xsl:for-each>
    <xsl:text>),&#10;  table.header(</xsl:text>
    <xsl:for-each select="$head">
      <xsl:text>[</xsl:text>
      <xsl:apply-templates select="*"/>
      <xsl:text>], </xsl:text>
    </xsl:for-each>
    <xsl:text>),</xsl:text>
    <xsl:for-each select="md:table_row | m:*/md:table_row">
      <xsl:variable name="mark" select="parent::m:ins-block | parent::m:del-block"/>
      <xsl:text>&#10;  </xsl:text>
      <xsl:for-each select="md:table_cell">
        <xsl:choose>
          <xsl:when test="position() = 1 and $mark">
            <xsl:text>table.cell(stroke: (left: 2.5pt))[#strong[</xsl:text>
            <xsl:call-template name="gentext.typst">
              <xsl:with-param name="key"
                  select="concat('change-mark.', substring-before(local-name($mark), '-'))"/>
            </xsl:call-template>
            <xsl:text>] </xsl:text>
          </xsl:when>
          <xsl:otherwise>[</xsl:otherwise>
        </xsl:choose>
        <xsl:apply-templates select="*"/>
        <xsl:text>], </xsl:text>
      </xsl:for-each>
    </xsl:for-each>
    <xsl:text>)</xsl:text>
    <xsl:call-template name="blocks.end"/>
  </xsl:template>

  <!-- ==== Change marks ==================================================== -->

  <xsl:template match="m:ins-block | m:del-block">
    <xsl:call-template name="blocks.changed">
      <xsl:with-param name="mark" select="."/>
      <xsl:with-param name="body">
        <xsl:apply-templates select="*"/>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>&#10;&#10;</xsl:text>
  </xsl:template>

  <!-- $body (Typst markup) beside a change bar, under the label of $mark. -->
  <xsl:template name="blocks.changed">
    <xsl:param name="mark"/>
    <xsl:param name="body"/>
    <xsl:variable name="kind" select="substring-before(local-name($mark), '-')"/>
    <xsl:text>#mg-changed(</xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="concat('change-mark.', $kind)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>)[</xsl:text>
    <xsl:choose>
      <xsl:when test="$kind = 'del'">
        <xsl:text>#strike[</xsl:text>
        <xsl:value-of select="$body"/>
        <xsl:text>]</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$body"/>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <xsl:template match="m:ins">
    <xsl:text>#underline[</xsl:text>
    <xsl:apply-templates select="node()"/>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <xsl:template match="m:del">
    <xsl:text>#strike[</xsl:text>
    <xsl:apply-templates select="node()"/>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <!-- Raw HTML: dropped (the resolver already removes it). -->
  <xsl:template match="md:html_block | md:html_inline"/>

  <xsl:template match="md:custom_block | md:custom_inline">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- ==== Inlines ======================================================== -->

  <xsl:template match="md:text">
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="string(.)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Text with change marks in it: its pieces. -->
  <xsl:template match="md:text[*]">
    <xsl:apply-templates select="node()"/>
  </xsl:template>

  <xsl:template match="md:text/text() | m:ins/text() | m:del/text()
                       | md:code/text()">
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value" select="string(.)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A line break of the source: a space unless both neighbours are
       characters of a script without spaces (CJK). -->
  <xsl:template match="md:softbreak">
    <xsl:variable name="before" select="string(preceding-sibling::*[1])"/>
    <xsl:variable name="last"
                  select="substring($before, string-length($before))"/>
    <xsl:variable name="first"
                  select="substring(string(following-sibling::*[1]), 1, 1)"/>
    <xsl:if test="$last = '' or $first = ''
                  or translate($last, $blocks.ascii, '') = ''
                  or translate($first, $blocks.ascii, '') = ''">
      <xsl:text> </xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template match="md:linebreak">
    <xsl:text>#linebreak()</xsl:text>
  </xsl:template>

  <xsl:template match="md:code">
    <xsl:text>#raw(</xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="string(.)"/>
    </xsl:call-template>
    <xsl:text>)</xsl:text>
  </xsl:template>

  <!-- Code with change marks in it: the pieces, in the code font. -->
  <xsl:template match="md:code[*]">
    <xsl:text>#text(font: (</xsl:text>
    <xsl:call-template name="typst.string">
      <xsl:with-param name="value" select="$typst.font.mono"/>
    </xsl:call-template>
    <xsl:text>,))[</xsl:text>
    <xsl:apply-templates select="node()"/>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <xsl:template match="md:emph">
    <xsl:text>#emph[</xsl:text>
    <xsl:apply-templates select="*"/>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <xsl:template match="md:strong">
    <xsl:text>#strong[</xsl:text>
    <xsl:apply-templates select="*"/>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <xsl:template match="md:strikethrough">
    <xsl:text>#strike[</xsl:text>
    <xsl:apply-templates select="*"/>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <!-- Paper has no links: the text; an outside address in a footnote. -->
  <xsl:template match="md:link">
    <xsl:apply-templates select="*"/>
    <xsl:if test="not(@m:anchor) and not(@m:form)
                  and string(@destination) != ''
                  and not(starts-with(@destination, '#'))">
      <xsl:text>#footnote[</xsl:text>
      <xsl:call-template name="typst.text">
        <xsl:with-param name="value" select="@destination"/>
      </xsl:call-template>
      <xsl:text>]</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:template match="md:image">
    <xsl:variable name="alt">
      <xsl:apply-templates select="md:*" mode="md.plain"/>
    </xsl:variable>
    <xsl:text>#emph[</xsl:text>
    <xsl:call-template name="typst.text">
      <xsl:with-param name="value">
        <xsl:call-template name="gentext.template">
          <xsl:with-param name="key" select="'print.image'"/>
          <xsl:with-param name="arg1" select="string($alt)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:text>]</xsl:text>
  </xsl:template>

  <!-- Plain text of an image description, as cmark's renderer->plain. -->
  <xsl:template match="md:text | md:code | md:html_inline" mode="md.plain">
    <xsl:value-of select="."/>
  </xsl:template>

  <xsl:template match="md:softbreak | md:linebreak" mode="md.plain">
    <xsl:text> </xsl:text>
  </xsl:template>

  <xsl:template match="md:*" mode="md.plain">
    <xsl:apply-templates select="md:*" mode="md.plain"/>
  </xsl:template>

</xsl:stylesheet>
