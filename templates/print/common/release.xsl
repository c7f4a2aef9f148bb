<?xml version="1.0" encoding="UTF-8"?>
<!--
  release.xsl (print): the revision history at the end of a release's
  printed handbook.
    m:manual (mode print.history)  nothing for a draft (no m:releases);
               else a level-1 heading "修订记录", since which release this
               one changes the hall and what the change bars mean (or
               "本版是本厅手册的第一个正式版本"), the release notes, the
               sections this release changed (status and title), then a
               table of every release up to this one, newest first: its
               version, the date it took effect, whether it changed this
               hall (the words of the release pages), its notes.
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:template match="m:manual" mode="print.history"/>

  <xsl:template match="m:manual[m:releases]" mode="print.history">
    <xsl:variable name="ch" select="m:changes"/>
    <xsl:text>#heading(level: 1)[</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.revision-history'"/>
    </xsl:call-template>
    <xsl:text>] &lt;edition.history&gt;&#10;&#10;</xsl:text>
    <xsl:if test="$ch">
      <xsl:choose>
        <xsl:when test="string($ch/@since) != ''">
          <xsl:variable name="since">
            <xsl:call-template name="version.name">
              <xsl:with-param name="version" select="$ch/@since"/>
            </xsl:call-template>
          </xsl:variable>
          <xsl:call-template name="typst.text">
            <xsl:with-param name="value">
              <xsl:call-template name="gentext.template">
                <xsl:with-param name="key" select="'changes-since'"/>
                <xsl:with-param name="arg1" select="string($since)"/>
              </xsl:call-template>
            </xsl:with-param>
          </xsl:call-template>
          <xsl:if test="$ch/m:change[@status != 'removed']">
            <xsl:call-template name="typst.text">
              <xsl:with-param name="value">
                <xsl:call-template name="gentext.template">
                  <xsl:with-param name="key" select="'print.change-bars'"/>
                  <xsl:with-param name="arg1" select="string($since)"/>
                </xsl:call-template>
              </xsl:with-param>
            </xsl:call-template>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="gentext.typst">
            <xsl:with-param name="key" select="'changes-first'"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:text>&#10;&#10;</xsl:text>
      <xsl:if test="normalize-space(m:edition/m:notes) != ''">
        <xsl:text>#heading(level: 2, outlined: false)[</xsl:text>
        <xsl:call-template name="gentext.typst">
          <xsl:with-param name="key" select="'release-notes'"/>
        </xsl:call-template>
        <xsl:text>]&#10;&#10;</xsl:text>
        <xsl:call-template name="typst.text">
          <xsl:with-param name="value" select="normalize-space(m:edition/m:notes)"/>
        </xsl:call-template>
        <xsl:text>&#10;&#10;</xsl:text>
      </xsl:if>
      <xsl:text>#heading(level: 2, outlined: false)[</xsl:text>
      <xsl:call-template name="gentext.typst">
        <xsl:with-param name="key" select="'changed-sections'"/>
      </xsl:call-template>
      <xsl:text>]&#10;&#10;</xsl:text>
      <xsl:choose>
        <xsl:when test="not($ch/m:change)">
          <xsl:call-template name="gentext.typst">
            <xsl:with-param name="key" select="'no-changes'"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:text>#list(tight: true</xsl:text>
          <xsl:for-each select="$ch/m:change">
            <xsl:text>,&#10;  [#strong[</xsl:text>
            <xsl:call-template name="gentext.typst">
              <xsl:with-param name="key" select="concat('change-status.', @status)"/>
            </xsl:call-template>
            <xsl:text>] </xsl:text>
            <xsl:call-template name="typst.text">
              <xsl:with-param name="value" select="m:title"/>
            </xsl:call-template>
            <xsl:if test="m:feedback">
              <xsl:text> </xsl:text>
              <xsl:call-template name="typst.text">
                <xsl:with-param name="value">
                  <xsl:call-template name="gentext.template">
                    <xsl:with-param name="key" select="'revised-for'"/>
                    <xsl:with-param name="arg1">
                      <xsl:call-template name="gentext.list">
                        <xsl:with-param name="nodes" select="m:feedback/@id"/>
                      </xsl:call-template>
                    </xsl:with-param>
                  </xsl:call-template>
                </xsl:with-param>
              </xsl:call-template>
            </xsl:if>
            <xsl:text>]</xsl:text>
          </xsl:for-each>
          <xsl:text>)</xsl:text>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:text>&#10;&#10;#heading(level: 2, outlined: false)[</xsl:text>
      <xsl:call-template name="gentext.typst">
        <xsl:with-param name="key" select="'versions'"/>
      </xsl:call-template>
      <xsl:text>]&#10;&#10;</xsl:text>
    </xsl:if>
    <xsl:text>#table(columns: (auto, auto, auto, 1fr),&#10;  table.header(</xsl:text>
    <xsl:text>[</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.revision.version'"/>
    </xsl:call-template>
    <xsl:text>], </xsl:text>
    <xsl:text>[</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.revision.date'"/>
    </xsl:call-template>
    <xsl:text>], </xsl:text>
    <xsl:text>[</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.revision.store'"/>
    </xsl:call-template>
    <xsl:text>], </xsl:text>
    <xsl:text>[</xsl:text>
    <xsl:call-template name="gentext.typst">
      <xsl:with-param name="key" select="'print.revision.notes'"/>
    </xsl:call-template>
    <xsl:text>], </xsl:text>
    <xsl:text>),</xsl:text>
    <xsl:for-each select="m:releases/m:release">
      <xsl:sort select="position()" data-type="number" order="descending"/>
      <xsl:text>&#10;  [</xsl:text>
      <xsl:call-template name="typst.text">
        <xsl:with-param name="value" select="@version"/>
      </xsl:call-template>
      <xsl:text>], [</xsl:text>
      <xsl:call-template name="typst.text">
        <xsl:with-param name="value" select="@date"/>
      </xsl:call-template>
      <xsl:text>], [</xsl:text>
      <xsl:call-template name="gentext.typst">
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
      <xsl:text>], [</xsl:text>
      <xsl:call-template name="typst.text">
        <xsl:with-param name="value" select="normalize-space(m:notes)"/>
      </xsl:call-template>
      <xsl:text>],</xsl:text>
    </xsl:for-each>
    <xsl:text>)&#10;&#10;</xsl:text>
  </xsl:template>

</xsl:stylesheet>
