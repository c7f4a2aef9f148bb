<?xml version="1.0" encoding="UTF-8"?>
<!--
  changes.xsl: what a release changed for one store (m:changes, on the
  "本版变更" page and at the end of the printable handbook), and the change
  marks inside the text.

  m:changes (mode changes.page)  the content of changes.html: since which
                                 release, the release notes, a list of the
                                 sections that changed, then each of them
                                 with its text marked, then the feedback
                                 the release resolved.  "本版对本厅没有改动"
                                 when there is no m:change.
  m:changes (mode changes.part)  the same for handbook.html, in a
                                 <section id="edition.changes">, without
                                 the text of the sections (the handbook
                                 has them; their heading ids would clash)
  feedback.ref (named)           "FB-0003", a link to its entry in the
                                 list of resolved feedback when this page
                                 or $page has that list
  Marks (default mode; inside an md:document, through cmark.xsl):
    m:ins, m:del              <ins class="change-ins">, <del class="change-del">
    m:ins-block, m:del-block  <div class="change-ins-block"> (or -del-)
                              with a label ("新增内容" / "删除内容") and
                              the blocks in <ins> / <del>; around list
                              items or table rows, each <li> / <tr> gets
                              the class and the label instead
  Every mark keeps its id.  Links to sections use xref.style (xref.xsl):
  <chapter>.html#<section> on the site, #<section> in the handbook.

  Ids this module writes: change.<section>, feedback.<id>,
  edition.changes, edition.changes.title, changes.{notes,list,resolved}:
  with a dot, none can clash with a section id ([a-z0-9-]+) or a heading
  id (the section id, two hyphens, a slug).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                xmlns:md="http://commonmark.org/xml/1.0"
                xmlns:exsl="http://exslt.org/common"
                extension-element-prefixes="exsl"
                exclude-result-prefixes="m md exsl">

  <!-- ==== The change page ================================================ -->

  <xsl:template match="m:changes" mode="changes.page">
    <h1>
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="'changes'"/>
      </xsl:call-template>
    </h1>
    <xsl:apply-templates select="." mode="changes.body">
      <xsl:with-param name="level" select="2"/>
      <xsl:with-param name="full" select="true()"/>
    </xsl:apply-templates>
  </xsl:template>

  <xsl:template match="m:changes" mode="changes.part">
    <section class="changes-part" id="edition.changes"
             aria-labelledby="edition.changes.title">
      <xsl:element name="h{1 + $md.heading.offset}">
        <xsl:attribute name="id">edition.changes.title</xsl:attribute>
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'changes'"/>
        </xsl:call-template>
      </xsl:element>
      <xsl:apply-templates select="." mode="changes.body">
        <xsl:with-param name="level" select="2 + $md.heading.offset"/>
        <xsl:with-param name="full" select="false()"/>
      </xsl:apply-templates>
    </section>
  </xsl:template>

  <!-- $level: the rank of the parts' headings (h2); $full: whether each
       change shows its marked text. -->
  <xsl:template match="m:changes" mode="changes.body">
    <xsl:param name="level"/>
    <xsl:param name="full"/>
    <xsl:variable name="notes" select="/*/m:edition/m:notes"/>
    <p class="changes-since">
      <xsl:choose>
        <xsl:when test="string(@since) != ''">
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'changes-since'"/>
            <xsl:with-param name="arg1">
              <xsl:call-template name="version.name">
                <xsl:with-param name="version" select="@since"/>
              </xsl:call-template>
            </xsl:with-param>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'changes-first'"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </p>
    <xsl:if test="normalize-space($notes) != ''">
      <section class="release-notes" aria-labelledby="changes.notes">
        <xsl:element name="h{$level}">
          <xsl:attribute name="id">changes.notes</xsl:attribute>
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'release-notes'"/>
          </xsl:call-template>
        </xsl:element>
        <p><xsl:value-of select="$notes"/></p>
      </section>
    </xsl:if>
    <section class="change-list" aria-labelledby="changes.list">
      <xsl:element name="h{$level}">
        <xsl:attribute name="id">changes.list</xsl:attribute>
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'changed-sections'"/>
        </xsl:call-template>
      </xsl:element>
      <xsl:choose>
        <xsl:when test="not(m:change)">
          <p class="no-changes">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'no-changes'"/>
            </xsl:call-template>
          </p>
        </xsl:when>
        <xsl:when test="$full">
          <p class="changes-legend">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'changes-legend'"/>
            </xsl:call-template>
          </p>
          <ul class="change-index">
            <xsl:for-each select="m:change">
              <li>
                <xsl:apply-templates select="." mode="change.status"/>
                <xsl:text> </xsl:text>
                <a href="#change.{@section}"><xsl:value-of select="m:title"/></a>
              </li>
            </xsl:for-each>
          </ul>
          <xsl:apply-templates select="m:change" mode="change.entry">
            <xsl:with-param name="level" select="$level + 1"/>
          </xsl:apply-templates>
        </xsl:when>
        <xsl:otherwise>
          <ul class="change-index">
            <xsl:for-each select="m:change">
              <li id="change.{@section}">
                <xsl:apply-templates select="." mode="change.status"/>
                <xsl:text> </xsl:text>
                <xsl:apply-templates select="." mode="change.title"/>
                <xsl:apply-templates select="." mode="change.feedback"/>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:otherwise>
      </xsl:choose>
    </section>
    <xsl:if test="m:resolved">
      <section class="resolved-feedback" aria-labelledby="changes.resolved">
        <xsl:element name="h{$level}">
          <xsl:attribute name="id">changes.resolved</xsl:attribute>
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'resolved-feedback'"/>
          </xsl:call-template>
        </xsl:element>
        <ul class="resolved-list">
          <xsl:apply-templates select="m:resolved"/>
        </ul>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- One changed section with its marked text. -->
  <xsl:template match="m:change" mode="change.entry">
    <xsl:param name="level"/>
    <section class="change change-{@status}" id="change.{@section}">
      <xsl:element name="h{$level}">
        <xsl:apply-templates select="." mode="change.status"/>
        <xsl:text> </xsl:text>
        <xsl:apply-templates select="." mode="change.title"/>
      </xsl:element>
      <xsl:apply-templates select="." mode="change.feedback"/>
      <xsl:if test="@status = 'removed'">
        <p class="change-removed-note">
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'change-removed-text'"/>
          </xsl:call-template>
        </p>
      </xsl:if>
      <div class="change-text">
        <xsl:apply-templates select="md:document"/>
      </div>
    </section>
  </xsl:template>

  <!-- "修改" / "新增" / "删除", a word on a badge (not a colour alone). -->
  <xsl:template match="m:change" mode="change.status">
    <span class="change-status change-status-{@status}">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="concat('change-status.', @status)"/>
      </xsl:call-template>
    </span>
  </xsl:template>

  <!-- The section's title, a link to it unless it was removed. -->
  <xsl:template match="m:change" mode="change.title">
    <xsl:choose>
      <xsl:when test="@status = 'removed'">
        <span class="change-title"><xsl:value-of select="m:title"/></span>
      </xsl:when>
      <xsl:otherwise>
        <a class="change-title">
          <xsl:attribute name="href">
            <xsl:call-template name="section.href">
              <xsl:with-param name="chapter" select="@chapter"/>
              <xsl:with-param name="section" select="@section"/>
            </xsl:call-template>
          </xsl:attribute>
          <xsl:value-of select="m:title"/>
        </a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "根据 FB-0003 修订", when the change resolves feedback. -->
  <xsl:template match="m:change" mode="change.feedback">
    <xsl:if test="m:feedback">
      <p class="revised-for">
        <xsl:call-template name="revised.for">
          <xsl:with-param name="ids" select="m:feedback/@id"/>
          <xsl:with-param name="page" select="''"/>
        </xsl:call-template>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- One item of resolved feedback: id, date, hall, section, text. -->
  <xsl:template match="m:resolved">
    <xsl:variable name="section" select="@section"/>
    <xsl:variable name="target"
                  select="/*/m:chapter/m:section[@id = $section]"/>
    <xsl:variable name="change"
                  select="../m:change[@section = $section]"/>
    <li class="resolved" id="feedback.{@id}">
      <p class="resolved-head">
        <strong class="resolved-id"><xsl:value-of select="@id"/></strong>
        <xsl:if test="@date">
          <xsl:text> </xsl:text>
          <time datetime="{@date}"><xsl:value-of select="@date"/></time>
        </xsl:if>
      </p>
      <p class="resolved-where">
        <span class="resolved-store">
          <xsl:call-template name="gentext.label">
            <xsl:with-param name="key" select="'resolved.store'"/>
          </xsl:call-template>
          <xsl:choose>
            <xsl:when test="@store = /*/m:store/@id">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'this-store'"/>
              </xsl:call-template>
            </xsl:when>
            <xsl:when test="@store-name">
              <xsl:value-of select="@store-name"/>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="@store"/></xsl:otherwise>
          </xsl:choose>
        </span>
        <xsl:text> </xsl:text>
        <span class="resolved-section">
          <xsl:call-template name="gentext.label">
            <xsl:with-param name="key" select="'resolved.section'"/>
          </xsl:call-template>
          <xsl:choose>
            <xsl:when test="$target">
              <a>
                <xsl:attribute name="href">
                  <xsl:call-template name="section.href">
                    <xsl:with-param name="chapter" select="$target/../@id"/>
                    <xsl:with-param name="section" select="$section"/>
                  </xsl:call-template>
                </xsl:attribute>
                <xsl:value-of select="$target/m:title"/>
              </a>
            </xsl:when>
            <xsl:when test="$change">
              <xsl:value-of select="$change[1]/m:title"/>
            </xsl:when>
            <xsl:when test="@section-title">
              <xsl:value-of select="@section-title"/>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="$section"/></xsl:otherwise>
          </xsl:choose>
        </span>
      </p>
      <xsl:if test="normalize-space(.) != ''">
        <p class="resolved-text"><xsl:value-of select="."/></p>
      </xsl:if>
    </li>
  </xsl:template>

  <!-- Where a section of this store's handbook is: <chapter>.html#<id>
       on the site, #<id> on the single page. -->
  <xsl:template name="section.href">
    <xsl:param name="chapter"/>
    <xsl:param name="section"/>
    <xsl:if test="$xref.style != 'page'">
      <xsl:value-of select="concat($chapter, '.html')"/>
    </xsl:if>
    <xsl:value-of select="concat('#', $section)"/>
  </xsl:template>

  <!-- "根据 FB-0003、FB-0004 修订": $ids (attribute nodes), each linked to
       its entry in the resolved list when the document has one, on this
       page ($page = '') or on $page. -->
  <xsl:template name="revised.for">
    <xsl:param name="ids"/>
    <xsl:param name="page"/>
    <xsl:call-template name="gentext.template">
      <xsl:with-param name="key" select="'revised-for'"/>
      <xsl:with-param name="arg1">
        <xsl:for-each select="$ids">
          <xsl:if test="position() > 1">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key" select="'list-separator'"/>
            </xsl:call-template>
          </xsl:if>
          <xsl:call-template name="feedback.ref">
            <xsl:with-param name="id" select="string(.)"/>
            <xsl:with-param name="page" select="$page"/>
          </xsl:call-template>
        </xsl:for-each>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="feedback.ref">
    <xsl:param name="id"/>
    <xsl:param name="page" select="''"/>
    <xsl:choose>
      <xsl:when test="/*/m:changes/m:resolved[@id = $id]">
        <a class="feedback-ref" href="{$page}#feedback.{$id}">
          <xsl:value-of select="$id"/>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span class="feedback-ref"><xsl:value-of select="$id"/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ==== Marks =========================================================== -->

  <xsl:template match="m:ins">
    <ins class="change-ins">
      <xsl:copy-of select="@id"/>
      <xsl:apply-templates select="node()"/>
    </ins>
  </xsl:template>

  <xsl:template match="m:del">
    <del class="change-del">
      <xsl:copy-of select="@id"/>
      <xsl:apply-templates select="node()"/>
    </del>
  </xsl:template>

  <!-- Whole blocks: a bar beside them and a label a screen reader reads. -->
  <xsl:template match="m:ins-block | m:del-block">
    <xsl:variable name="kind" select="substring-before(local-name(), '-')"/>
    <div class="change-{local-name()}">
      <xsl:copy-of select="@id"/>
      <p class="change-label">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="concat('change-mark.', $kind)"/>
        </xsl:call-template>
      </p>
      <xsl:element name="{$kind}">
        <xsl:attribute name="class">change-block-body</xsl:attribute>
        <xsl:apply-templates select="*"/>
      </xsl:element>
    </div>
  </xsl:template>

  <!-- List items and table rows: no <div> may sit between <ul> and <li>
       or <tbody> and <tr>, so each item or row carries the mark itself
       (the label goes after a task item's checkbox, into a row's first
       cell). -->
  <xsl:template match="md:list/m:ins-block | md:list/m:del-block
                       | md:table/m:ins-block | md:table/m:del-block">
    <xsl:variable name="kind" select="substring-before(local-name(), '-')"/>
    <xsl:variable name="class" select="concat('change-', local-name())"/>
    <xsl:variable name="id" select="string(@id)"/>
    <xsl:variable name="label">
      <span class="change-label">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="concat('change-mark.', $kind)"/>
        </xsl:call-template>
      </span>
    </xsl:variable>
    <xsl:variable name="rendered">
      <xsl:apply-templates select="*"/>
    </xsl:variable>
    <xsl:for-each select="exsl:node-set($rendered)/*">
      <xsl:copy>
        <xsl:copy-of select="@*"/>
        <xsl:attribute name="class">
          <xsl:value-of select="normalize-space(concat(@class, ' ', $class))"/>
        </xsl:attribute>
        <xsl:if test="position() = 1 and $id != ''">
          <xsl:attribute name="id"><xsl:value-of select="$id"/></xsl:attribute>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="self::tr">
            <xsl:for-each select="*">
              <xsl:copy>
                <xsl:copy-of select="@*"/>
                <xsl:if test="position() = 1">
                  <xsl:copy-of select="$label"/>
                  <xsl:text> </xsl:text>
                </xsl:if>
                <xsl:copy-of select="node()"/>
              </xsl:copy>
            </xsl:for-each>
          </xsl:when>
          <xsl:when test="node()[1][self::input]">
            <!-- the checkbox, " ", the label, then " " and the text -->
            <xsl:copy-of select="node()[1]"/>
            <xsl:text> </xsl:text>
            <xsl:copy-of select="$label"/>
            <xsl:copy-of select="node()[position() > 1]"/>
          </xsl:when>
          <xsl:otherwise>
            <xsl:copy-of select="$label"/>
            <xsl:text> </xsl:text>
            <xsl:copy-of select="node()"/>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:copy>
    </xsl:for-each>
  </xsl:template>

</xsl:stylesheet>
