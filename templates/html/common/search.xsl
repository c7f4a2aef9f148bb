<?xml version="1.0" encoding="UTF-8"?>
<!--
  search.xsl: searching a hall's handbook.

  The hall's single-page handbook (handbook.html) is its search page: it
  holds every passage of the handbook already, each chapter in an
  <article id="chapter.<id>">, each section and heading with its id.
  Every page's search box (header.xsl, search.form) sends the query there
  (handbook.html?q=...).  The page's script (templates/js/search.js,
  which the page carries, as it carries its CSS) reads the page's own
  passages, finds the query's characters in them (then character
  bigrams: Chinese has no spaces between words), and lists the passages
  in the region this module writes, each linked to its heading on the
  chapter's page; the rest of the page is hidden meanwhile.  Nothing is
  fetched: it works from file://, even with the page saved on its own,
  and the build renders nothing more for it than this region and the
  script, the same for every hall.

  search.results (named): the region, hidden until there is a query (its
  h1 is then the page's one shown).
  Its words come from the language strings: search.results (heading),
  and those search.js puts together, in data- attributes of
  #search-status: search.count, search.none ({1}: a number, the query),
  search.all (the link back to the whole handbook).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <!-- The text of the search's script (templates/js/search.js, which the
       build passes): the page carries it, so that it searches as one
       file too, saved or sent on its own.  Empty: no script. -->
  <xsl:param name="search.script" select="''"/>

  <xsl:template name="search.results">
    <section id="search" class="search-results" hidden=""
             aria-labelledby="search-title">
      <h1 id="search-title">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'search.results'"/>
        </xsl:call-template>
      </h1>
      <p id="search-status" class="search-status" role="status">
        <xsl:call-template name="search.string">
          <xsl:with-param name="key" select="'search.count'"/>
        </xsl:call-template>
        <xsl:call-template name="search.string">
          <xsl:with-param name="key" select="'search.none'"/>
        </xsl:call-template>
      </p>
      <ol id="search-list"></ol>
      <p>
        <a id="search-all" href="handbook.html">
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="'search.all'"/>
          </xsl:call-template>
        </a>
      </p>
    </section>
  </xsl:template>

  <xsl:template name="search.script">
    <xsl:if test="$search.script != ''">
      <script><xsl:value-of select="$search.script"/></script>
    </xsl:if>
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

</xsl:stylesheet>
