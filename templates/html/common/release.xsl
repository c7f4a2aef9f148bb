<?xml version="1.0" encoding="UTF-8"?>
<!--
  release.xsl: what a page of a numbered release (m:edition kind="release")
  adds to the draft's pages.

  Mode page.notice (called by page.xsl on the input's root, with $href the
  page's file name): when a later release has superseded this one
  (m:edition/@latest != @name), "本版已被 1.2 版取代" and a link to the same
  page in output/latest/:
    m:manual  (a store's page, output/V/stores/ID/$href)
              ../../../latest/stores/ID/$href; ../../../latest/index.html
              when the store is not in the latest release
              (m:edition/@latest-has-store = 'false'); the store's
              index.html there when $href is not among
              m:edition/@latest-pages (its chapter left)
    m:stores  (the release's store list, output/V/index.html)
              ../latest/index.html
  m:releases (mode versions)  every release up to this one (a later one
                              changes nothing but the notice), newest
                              first: its name, date
                              and notes, whether it changed this store
                              (or was the first to have it), a
                              link to this store in it
                              (../../../V/stores/ID/index.html) when it has
                              the store; the current one aria-current.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <!-- ==== Superseded ======================================================= -->

  <xsl:template match="m:manual[m:edition[@kind = 'release' and @latest
                                          and @latest != @name]]"
                mode="page.notice">
    <xsl:param name="href"/>
    <xsl:variable name="ed" select="m:edition"/>
    <xsl:choose>
      <xsl:when test="$ed/@latest-has-store = 'false'">
        <xsl:call-template name="superseded.notice">
          <xsl:with-param name="target" select="'../../../latest/index.html'"/>
          <xsl:with-param name="key" select="'superseded.not-in-latest'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$ed/@latest-pages and
                      not(contains(concat(' ', $ed/@latest-pages, ' '),
                                   concat(' ', $href, ' ')))">
        <!-- the store is there, this page is not (its chapter left) -->
        <xsl:call-template name="superseded.notice">
          <xsl:with-param name="target"
              select="concat('../../../latest/stores/', m:store/@id, '/index.html')"/>
          <xsl:with-param name="key" select="'superseded.same-page'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="superseded.notice">
          <xsl:with-param name="target"
              select="concat('../../../latest/stores/', m:store/@id, '/', $href)"/>
          <xsl:with-param name="key" select="'superseded.same-page'"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="m:stores[m:edition[@kind = 'release' and @latest
                                          and @latest != @name]]"
                mode="page.notice">
    <xsl:call-template name="superseded.notice">
      <xsl:with-param name="target" select="'../latest/index.html'"/>
      <xsl:with-param name="key" select="'superseded.same-page'"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The notice: which release replaced this one, and a link ($target,
       its text the string $key). -->
  <xsl:template name="superseded.notice">
    <xsl:param name="target"/>
    <xsl:param name="key"/>
    <section class="superseded">
      <xsl:attribute name="aria-label">
        <xsl:call-template name="gentext">
          <xsl:with-param name="key" select="'superseded.label'"/>
        </xsl:call-template>
      </xsl:attribute>
      <p>
        <strong class="superseded-text">
          <xsl:call-template name="gentext.template">
            <xsl:with-param name="key" select="'superseded'"/>
            <xsl:with-param name="arg1">
              <xsl:call-template name="version.name">
                <xsl:with-param name="version" select="/*/m:edition/@latest"/>
              </xsl:call-template>
            </xsl:with-param>
          </xsl:call-template>
        </strong>
        <xsl:text> </xsl:text>
        <a class="superseded-link" href="{$target}">
          <xsl:call-template name="gentext">
            <xsl:with-param name="key" select="$key"/>
          </xsl:call-template>
        </a>
      </p>
    </section>
  </xsl:template>

  <!-- ==== Versions ========================================================= -->

  <xsl:template match="m:releases" mode="versions">
    <xsl:variable name="current" select="string(/*/m:edition/@name)"/>
    <xsl:variable name="latest" select="string(/*/m:edition/@latest)"/>
    <xsl:variable name="store" select="string(/*/m:store/@id)"/>
    <ol class="versions">
      <xsl:for-each select="m:release">
        <xsl:sort select="position()" data-type="number" order="descending"/>
        <xsl:variable name="is-current" select="@version = $current"/>
        <li>
          <xsl:attribute name="class">
            <xsl:text>version</xsl:text>
            <xsl:if test="$is-current"> version-current</xsl:if>
          </xsl:attribute>
          <p class="version-head">
            <xsl:choose>
              <xsl:when test="@has-store = 'true'">
                <a class="version-name"
                   href="../../../{@version}/stores/{$store}/index.html">
                  <xsl:if test="$is-current">
                    <xsl:attribute name="aria-current">true</xsl:attribute>
                  </xsl:if>
                  <xsl:call-template name="version.name">
                    <xsl:with-param name="version" select="@version"/>
                  </xsl:call-template>
                </a>
              </xsl:when>
              <xsl:otherwise>
                <span class="version-name">
                  <xsl:call-template name="version.name">
                    <xsl:with-param name="version" select="@version"/>
                  </xsl:call-template>
                </span>
              </xsl:otherwise>
            </xsl:choose>
            <xsl:if test="@date">
              <xsl:text> </xsl:text>
              <time datetime="{@date}"><xsl:value-of select="@date"/></time>
            </xsl:if>
            <xsl:if test="$is-current">
              <xsl:text> </xsl:text>
              <span class="version-tag version-tag-current">
                <xsl:call-template name="gentext">
                  <xsl:with-param name="key" select="'version.current'"/>
                </xsl:call-template>
              </span>
            </xsl:if>
            <!-- no "latest" tag: which release is the latest changes with
                 time, and a release's pages must not (the superseded
                 notice says it) -->
          </p>
          <p class="version-status">
            <xsl:call-template name="gentext">
              <xsl:with-param name="key">
                <xsl:choose>
                  <xsl:when test="@has-store = 'false'">version.absent</xsl:when>
                  <xsl:when test="@changed = 'true'
                                  and not(preceding-sibling::m:release[@has-store = 'true'])">version.first</xsl:when>
                  <xsl:when test="@changed = 'true'">version.changed</xsl:when>
                  <xsl:otherwise>version.unchanged</xsl:otherwise>
                </xsl:choose>
              </xsl:with-param>
            </xsl:call-template>
          </p>
          <xsl:if test="normalize-space(m:notes) != ''">
            <p class="version-notes"><xsl:value-of select="m:notes"/></p>
          </xsl:if>
        </li>
      </xsl:for-each>
    </ol>
  </xsl:template>

</xsl:stylesheet>
