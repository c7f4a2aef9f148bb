<?xml version="1.0" encoding="UTF-8"?>
<!--
  search.xsl: search.html, the hall's search page (mode search.page on
  m:manual).

  The page holds its own index: every passage of the hall's handbook (a
  paragraph, a list item's paragraph, a table row, a heading, a code
  block), grouped by section, in a <template id="search-data"> that the
  browser does not render:

    <div data-href="<chapter>.html#<section id>">
      <h2>chapter title</h2> <h3>section title</h3>
      <p>passage</p> ... <h4 data-id="<heading id>">heading</h4> <p>...</p>
    </div>

  search.js (templates/js/, written beside the pages) reads it, finds the
  query's characters in it (character bigrams: Chinese has no spaces
  between words) and lists the passages, each linked to the heading or
  section it is under.  Everything stays in the page: it works from
  file:// and asks nothing of any server.  Passages are rendered from
  the section bodies as the other pages are, so the build renders them
  once per variant and splices each hall's values in (generator/splice.c).

  The words the page shows come from the language strings: the form's
  (search, search.label), and those search.js puts together, passed in
  data- attributes of #search-status (search.count, search.none,
  search.hint: {1} is a number or the query).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                xmlns:md="http://commonmark.org/xml/1.0"
                exclude-result-prefixes="m md">

  <!-- The script the page loads, beside it. -->
  <xsl:param name="search.js" select="'search.js'"/>

  <xsl:template match="m:manual" mode="search.page">
    <xsl:variable name="name">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="'search'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="page">
      <xsl:with-param name="href" select="'search.html'"/>
      <xsl:with-param name="class" select="'search-page'"/>
      <xsl:with-param name="title"
                      select="concat($name, ' · ', m:title, ' · ', m:store/@name)"/>
      <xsl:with-param name="header">
        <xsl:apply-templates select="." mode="page.header">
          <xsl:with-param name="home" select="'index.html'"/>
          <xsl:with-param name="search" select="false()"/>
        </xsl:apply-templates>
      </xsl:with-param>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="$name"/></h1>
        <xsl:call-template name="search.form">
          <xsl:with-param name="id" select="'search-query'"/>
        </xsl:call-template>
        <p id="search-status" class="search-status" role="status">
          <xsl:call-template name="search.string">
            <xsl:with-param name="key" select="'search.count'"/>
          </xsl:call-template>
          <xsl:call-template name="search.string">
            <xsl:with-param name="key" select="'search.none'"/>
          </xsl:call-template>
          <xsl:call-template name="search.string">
            <xsl:with-param name="key" select="'search.hint'"/>
          </xsl:call-template>
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'search.needs-script'"/>
          </xsl:call-template>
        </p>
        <ol id="search-results" class="search-results"></ol>
        <template id="search-data">
          <xsl:apply-templates select="m:chapter/m:section" mode="search.data"/>
        </template>
        <script src="{$search.js}"></script>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- A string for search.js, as data-<key after "search.">. -->
  <xsl:template name="search.string">
    <xsl:param name="key"/>
    <xsl:attribute name="data-{substring-after($key, 'search.')}">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="$key"/>
      </xsl:call-template>
    </xsl:attribute>
  </xsl:template>

  <xsl:template match="m:section" mode="search.data">
    <div>
      <xsl:attribute name="data-href">
        <xsl:apply-templates select="." mode="href"/>
      </xsl:attribute>
      <h2><xsl:apply-templates select=".." mode="title.markup"/></h2>
      <h3><xsl:value-of select="m:title"/></h3>
      <xsl:apply-templates select="md:document" mode="search"/>
    </div>
  </xsl:template>

  <!-- ==== Blocks: each passage a <p>, each heading an anchor ============ -->

  <xsl:template match="md:paragraph | md:code_block" mode="search">
    <p><xsl:apply-templates select="node()" mode="search.inline"/></p>
  </xsl:template>

  <xsl:template match="md:heading" mode="search">
    <h4 data-id="{@id}">
      <xsl:apply-templates select="node()" mode="search.inline"/>
    </h4>
  </xsl:template>

  <!-- A table row, its cells apart. -->
  <xsl:template match="md:table_header | md:table_row" mode="search">
    <p>
      <xsl:for-each select="md:table_cell">
        <xsl:if test="position() > 1"><xsl:text> | </xsl:text></xsl:if>
        <xsl:apply-templates select="node()" mode="search.inline"/>
      </xsl:for-each>
    </p>
  </xsl:template>

  <!-- A duty item: its number and title lead its text. -->
  <xsl:template match="md:item[@m:duty]" mode="search">
    <p>
      <xsl:value-of select="concat(@m:duty, ' ', @m:duty-title, ' ')"/>
      <xsl:apply-templates select="md:paragraph/node()" mode="search.inline"/>
    </p>
    <xsl:apply-templates select="*[not(self::md:paragraph)]" mode="search"/>
  </xsl:template>

  <!-- What a reader does not see, or what is gone -->
  <xsl:template match="md:html_block | md:thematic_break | m:del-block"
                mode="search"/>

  <!-- A body left a slot (generator/splice.c) is its text -->
  <xsl:template match="md:text" mode="search">
    <xsl:value-of select="."/>
  </xsl:template>

  <xsl:template match="*" mode="search">
    <xsl:apply-templates select="*" mode="search"/>
  </xsl:template>

  <!-- ==== Inlines: the text a reader sees ============================= -->

  <xsl:template match="md:softbreak | md:linebreak" mode="search.inline">
    <xsl:text> </xsl:text>
  </xsl:template>

  <xsl:template match="md:image" mode="search.inline">
    <xsl:apply-templates select="md:*" mode="md.plain"/>
  </xsl:template>

  <xsl:template match="md:html_inline | m:del" mode="search.inline"/>

  <xsl:template match="*" mode="search.inline">
    <xsl:apply-templates select="node()" mode="search.inline"/>
  </xsl:template>

</xsl:stylesheet>
