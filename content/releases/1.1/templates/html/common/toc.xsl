<?xml version="1.0" encoding="UTF-8"?>
<!--
  toc.xsl: the contents list (mode toc), and where a chapter or section
  lives (mode href).

  m:manual  (mode toc)   <ol class="toc"> of the chapters
    $current             id of the chapter being shown: marked
                         aria-current="page"
    $sections            'all': every chapter lists its sections;
                         'current': only the current chapter does
  m:chapter (mode href)  site: <id>.html        page: #chapter.<id>
  m:section (mode href)  site: <chapter>.html#<id>   page: #<id>
  (site / page is xref.style, from xref.xsl)
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:template match="m:manual" mode="toc">
    <xsl:param name="current" select="''"/>
    <xsl:param name="sections" select="'all'"/>
    <ol class="toc">
      <xsl:for-each select="m:chapter">
        <li class="toc-chapter">
          <a>
            <xsl:attribute name="href">
              <xsl:apply-templates select="." mode="href"/>
            </xsl:attribute>
            <xsl:if test="@id = $current">
              <xsl:attribute name="aria-current">page</xsl:attribute>
            </xsl:if>
            <xsl:apply-templates select="." mode="title.markup"/>
          </a>
          <xsl:if test="m:section and ($sections = 'all' or @id = $current)">
            <ol>
              <xsl:for-each select="m:section">
                <li class="toc-section">
                  <a>
                    <xsl:attribute name="href">
                      <xsl:apply-templates select="." mode="href"/>
                    </xsl:attribute>
                    <xsl:value-of select="m:title"/>
                  </a>
                </li>
              </xsl:for-each>
            </ol>
          </xsl:if>
        </li>
      </xsl:for-each>
    </ol>
  </xsl:template>

  <!-- A chapter's title with its number: "<span class="num">1</span> 岗位职责". -->
  <xsl:template match="m:chapter" mode="title.markup">
    <xsl:if test="@n">
      <span class="num"><xsl:value-of select="@n"/></span>
      <xsl:text> </xsl:text>
    </xsl:if>
    <xsl:value-of select="m:title"/>
  </xsl:template>

  <xsl:template match="m:chapter" mode="href">
    <xsl:choose>
      <xsl:when test="$xref.style = 'page'">
        <xsl:value-of select="concat('#chapter.', @id)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="concat(@id, '.html')"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="m:section" mode="href">
    <xsl:if test="$xref.style != 'page'">
      <xsl:value-of select="concat(../@id, '.html')"/>
    </xsl:if>
    <xsl:value-of select="concat('#', @id)"/>
  </xsl:template>

</xsl:stylesheet>
