<?xml version="1.0" encoding="UTF-8"?>
<!--
  titlepage.xsl: who the handbook is for.
    m:store   (mode titlepage)  name, city, type label, as a <p class="store">
    m:edition (mode titlepage)  a draft: "版本：草稿 2026-11-26";
                                a release (kind="release"): its number and
                                the date it takes effect, "版本：1.1，
                                2026-12-15 起执行" (key edition-release)
    edition.name (named)        the edition's label: l10n string keyed by
                                its name when there is one (draft → 草稿),
                                the name itself otherwise (e.g. 2026.1)
    version.name (named)        a release's number as a phrase, "1.1 版" /
                                "Edition 1.1" (key version-name); $version
                                defaults to the current edition's name
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:template match="m:store" mode="titlepage">
    <p class="store">
      <span class="store-name"><xsl:value-of select="@name"/></span>
      <xsl:text> </xsl:text>
      <span class="store-city"><xsl:value-of select="@city-name"/></span>
      <xsl:text> </xsl:text>
      <xsl:apply-templates select="." mode="store.type"/>
    </p>
  </xsl:template>

  <!-- The hall's type. A hall's own manual carries its label, looked up
       by the build in these same strings (@type-label): the type is then
       only printed, which lets the build render one page for halls of
       every type and put each one's type in (generator/splice.c). -->
  <xsl:template match="m:store" mode="store.type">
    <span class="store-type store-type-{@type}">
      <xsl:choose>
        <xsl:when test="@type-label">
          <xsl:value-of select="@type-label"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="concat('store-type.', @type)"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <xsl:template match="m:edition[@kind = 'release']" mode="titlepage">
    <p class="edition">
      <xsl:call-template name="gentext.label">
        <xsl:with-param name="key" select="'edition'"/>
      </xsl:call-template>
      <xsl:call-template name="gentext.template">
        <xsl:with-param name="key" select="'edition-release'"/>
        <xsl:with-param name="arg1" select="string(@name)"/>
        <xsl:with-param name="arg2">
          <time datetime="{@date}"><xsl:value-of select="@date"/></time>
        </xsl:with-param>
      </xsl:call-template>
    </p>
  </xsl:template>

  <xsl:template match="m:edition" mode="titlepage">
    <p class="edition">
      <xsl:call-template name="gentext.label">
        <xsl:with-param name="key" select="'edition'"/>
      </xsl:call-template>
      <xsl:call-template name="edition.name"/>
      <xsl:if test="@date">
        <xsl:text> </xsl:text>
        <time datetime="{@date}"><xsl:value-of select="@date"/></time>
      </xsl:if>
    </p>
  </xsl:template>

  <xsl:template name="edition.name">
    <xsl:param name="edition" select="/*/m:edition"/>
    <xsl:variable name="label" select="key('l10n', $edition/@name)"/>
    <xsl:choose>
      <xsl:when test="$label"><xsl:value-of select="$label[1]"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$edition/@name"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="version.name">
    <xsl:param name="version" select="string(/*/m:edition/@name)"/>
    <xsl:call-template name="gentext.template">
      <xsl:with-param name="key" select="'version-name'"/>
      <xsl:with-param name="arg1" select="string($version)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="m:organisation" mode="titlepage">
    <p class="organisation"><xsl:value-of select="."/></p>
  </xsl:template>

</xsl:stylesheet>
