<?xml version="1.0" encoding="UTF-8"?>
<!--
  editions.xsl: driver for output/index.html, the list of every edition.
  Input
    <m:editions lang> m:title, m:organisation, m:l10n,
      <m:edition name date kind="release" latest> <m:notes/> </m:edition>
      ... (releases, newest first)
      <m:edition name="draft" date kind="draft"/>
    </m:editions>
  output <m:pages> with index.html: the latest release first and prominent
  (latest/index.html), then every release (<name>/index.html, its date and
  notes), then the draft (draft/index.html), labelled as not published.
  Without a release, a line says none is published yet.

  Parameters (declared in the modules named):
    css              page.xsl   the stylesheet text, put inline in <style>
                                (pass templates/css/manual.css, as for the
                                handbook: this page sits outside every
                                edition's folder)
    css.href         here       when css is empty: latest/manual.css when
                                there is a release, draft/manual.css
                                otherwise
    generated.date   page.xsl   footer "generated on"      '' (none)
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:import href="common/catchall.xsl"/>
  <xsl:import href="common/l10n.xsl"/>
  <xsl:import href="common/page.xsl"/>
  <xsl:import href="common/titlepage.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:param name="css.href">
    <xsl:choose>
      <xsl:when test="/m:editions/m:edition[@kind = 'release']">latest/manual.css</xsl:when>
      <xsl:otherwise>draft/manual.css</xsl:otherwise>
    </xsl:choose>
  </xsl:param>

  <xsl:template match="/">
    <xsl:if test="not(m:editions)">
      <xsl:message terminate="yes">error: editions.xsl expects an m:editions root</xsl:message>
    </xsl:if>
    <m:pages>
      <xsl:apply-templates select="m:editions"/>
    </m:pages>
  </xsl:template>

  <xsl:template match="m:editions">
    <xsl:variable name="releases" select="m:edition[@kind = 'release']"/>
    <xsl:variable name="latest"
        select="($releases[@name = @latest] | $releases[1])[1]"/>
    <xsl:variable name="heading">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="'editions'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="page">
      <xsl:with-param name="href" select="'index.html'"/>
      <xsl:with-param name="class" select="'editions-page'"/>
      <xsl:with-param name="title" select="concat(m:title, ' · ', $heading)"/>
      <xsl:with-param name="header">
        <p class="manual-title"><xsl:value-of select="m:title"/></p>
        <xsl:apply-templates select="m:organisation" mode="titlepage"/>
      </xsl:with-param>
      <xsl:with-param name="content">
        <h1><xsl:value-of select="$heading"/></h1>
        <xsl:choose>
          <xsl:when test="$latest">
            <section class="edition-latest" aria-labelledby="editions.latest">
              <h2 id="editions.latest">
                <xsl:call-template name="gentext">
                  <xsl:with-param name="key" select="'latest-edition'"/>
                </xsl:call-template>
              </h2>
              <xsl:apply-templates select="$latest" mode="entry">
                <xsl:with-param name="href" select="'latest/index.html'"/>
              </xsl:apply-templates>
            </section>
          </xsl:when>
          <xsl:otherwise>
            <p class="no-release">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'no-release'"/>
              </xsl:call-template>
            </p>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:if test="$releases">
          <section class="edition-all" aria-labelledby="editions.all">
            <h2 id="editions.all">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'all-editions'"/>
              </xsl:call-template>
            </h2>
            <ol class="versions">
              <xsl:for-each select="$releases">
                <li class="version">
                  <xsl:apply-templates select="." mode="entry">
                    <xsl:with-param name="href" select="concat(@name, '/index.html')"/>
                  </xsl:apply-templates>
                </li>
              </xsl:for-each>
            </ol>
          </section>
        </xsl:if>
        <xsl:for-each select="m:edition[not(@kind = 'release')]">
          <section class="edition-draft" aria-labelledby="editions.draft">
            <h2 id="editions.draft">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'draft'"/>
              </xsl:call-template>
            </h2>
            <xsl:apply-templates select="." mode="entry">
              <xsl:with-param name="href" select="concat(@name, '/index.html')"/>
            </xsl:apply-templates>
            <p class="draft-note">
              <xsl:call-template name="gentext">
                <xsl:with-param name="key" select="'draft-not-published'"/>
              </xsl:call-template>
            </p>
          </section>
        </xsl:for-each>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- One edition: its name (a link to $href), date, notes. -->
  <xsl:template match="m:edition" mode="entry">
    <xsl:param name="href"/>
    <p class="version-head">
      <a class="version-name" href="{$href}">
        <xsl:choose>
          <xsl:when test="@kind = 'release'">
            <xsl:call-template name="version.name">
              <xsl:with-param name="version" select="@name"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="edition.name">
              <xsl:with-param name="edition" select="."/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </a>
      <xsl:if test="@date">
        <xsl:text> </xsl:text>
        <xsl:choose>
          <xsl:when test="@kind = 'release'">
            <xsl:call-template name="gentext.template">
              <xsl:with-param name="key" select="'effective-from'"/>
              <xsl:with-param name="arg1">
                <time datetime="{@date}"><xsl:value-of select="@date"/></time>
              </xsl:with-param>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <time datetime="{@date}"><xsl:value-of select="@date"/></time>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:if>
    </p>
    <xsl:if test="normalize-space(m:notes) != ''">
      <p class="version-notes"><xsl:value-of select="m:notes"/></p>
    </xsl:if>
  </xsl:template>

</xsl:stylesheet>
