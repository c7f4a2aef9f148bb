<?xml version="1.0" encoding="UTF-8"?>
<!--
  feedback.xsl: the items of the field-feedback ledger.  Input (built by
  mg_ledger_page, generator/feedback.c):

    <m:feedback lang>
      <m:title/> <m:l10n/>
      <m:sections> <m:section id title? chapter?/>... </m:sections>
                   (the sections the items name, in the manual's order)
      <m:stores> <m:store id name? city-name?/>... </m:stores>
      <m:item id status date store post? section heading?>
        <m:text/> <m:answer date/>? <m:resolved version date/>?
      </m:item>...
    </m:feedback>

  Modes of m:item:
    feedback.status    the status as a label      <span class="feedback-status">
    feedback.store     the hall's name (its id when the name is not known)
    feedback.section   the section's title (or id), and the heading
    feedback.post      the post's name, or nothing
    feedback.row       a table row; $by ('section' or 'store') is the
                       grouping, whose column is left out
    feedback.item      everything, with the history (<article id=@id>)
  feedback.lines (named): $text with its line breaks kept (<br>).
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:m="urn:manualgen"
                exclude-result-prefixes="m">

  <xsl:key name="feedback.section" match="m:sections/m:section" use="@id"/>
  <xsl:key name="feedback.store" match="m:stores/m:store" use="@id"/>

  <xsl:template match="m:item" mode="feedback.status">
    <span class="feedback-status feedback-status-{@status}">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="concat('feedback-status.', @status)"/>
      </xsl:call-template>
    </span>
  </xsl:template>

  <xsl:template match="m:item" mode="feedback.store">
    <xsl:variable name="s" select="key('feedback.store', @store)"/>
    <xsl:choose>
      <xsl:when test="$s/@name != ''">
        <xsl:value-of select="$s/@name"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="@store"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="m:item" mode="feedback.section">
    <xsl:variable name="s" select="key('feedback.section', @section)"/>
    <xsl:choose>
      <xsl:when test="$s/@title != ''">
        <xsl:value-of select="$s/@title"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="@section"/></xsl:otherwise>
    </xsl:choose>
    <xsl:if test="@heading">
      <xsl:text> › </xsl:text>
      <span class="feedback-heading"><xsl:value-of select="@heading"/></span>
    </xsl:if>
  </xsl:template>

  <xsl:template match="m:item" mode="feedback.post">
    <xsl:if test="@post">
      <xsl:call-template name="gentext">
        <xsl:with-param name="key" select="concat('post.', @post)"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A row of a table of open items. -->
  <xsl:template match="m:item" mode="feedback.row">
    <xsl:param name="by"/>
    <tr>
      <td><a href="#{@id}"><xsl:value-of select="@id"/></a></td>
      <xsl:if test="$by != 'store'">
        <td><xsl:apply-templates select="." mode="feedback.store"/></td>
      </xsl:if>
      <xsl:if test="$by != 'section'">
        <td><xsl:apply-templates select="." mode="feedback.section"/></td>
      </xsl:if>
      <td><xsl:apply-templates select="." mode="feedback.post"/></td>
      <td><time datetime="{@date}"><xsl:value-of select="@date"/></time></td>
      <td>
        <xsl:call-template name="feedback.lines">
          <xsl:with-param name="text" select="m:text"/>
        </xsl:call-template>
      </td>
    </tr>
  </xsl:template>

  <!-- The head of such a table. -->
  <xsl:template name="feedback.table.head">
    <xsl:param name="by"/>
    <thead>
      <tr>
        <th scope="col"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-id'"/></xsl:call-template></th>
        <xsl:if test="$by != 'store'">
          <th scope="col"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'store'"/></xsl:call-template></th>
        </xsl:if>
        <xsl:if test="$by != 'section'">
          <th scope="col"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-section'"/></xsl:call-template></th>
        </xsl:if>
        <th scope="col"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-post'"/></xsl:call-template></th>
        <th scope="col"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-date'"/></xsl:call-template></th>
        <th scope="col"><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-text'"/></xsl:call-template></th>
      </tr>
    </thead>
  </xsl:template>

  <!-- One item, everything about it, and its history. -->
  <xsl:template match="m:item" mode="feedback.item">
    <article class="feedback-item feedback-{@status}" id="{@id}">
      <h3>
        <xsl:value-of select="@id"/>
        <xsl:text> </xsl:text>
        <xsl:apply-templates select="." mode="feedback.status"/>
      </h3>
      <dl class="feedback-fields">
        <dt><xsl:call-template name="gentext"><xsl:with-param name="key" select="'store'"/></xsl:call-template></dt>
        <dd>
          <xsl:apply-templates select="." mode="feedback.store"/>
          <xsl:if test="key('feedback.store', @store)/@name != ''">
            <xsl:text> (</xsl:text>
            <code><xsl:value-of select="@store"/></code>
            <xsl:text>)</xsl:text>
          </xsl:if>
        </dd>
        <xsl:if test="@post">
          <dt><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-post'"/></xsl:call-template></dt>
          <dd><xsl:apply-templates select="." mode="feedback.post"/></dd>
        </xsl:if>
        <dt><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-section'"/></xsl:call-template></dt>
        <dd><xsl:apply-templates select="." mode="feedback.section"/></dd>
        <dt><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-text'"/></xsl:call-template></dt>
        <dd>
          <xsl:call-template name="feedback.lines">
            <xsl:with-param name="text" select="m:text"/>
          </xsl:call-template>
        </dd>
      </dl>
      <h4><xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-history'"/></xsl:call-template></h4>
      <ol class="feedback-history">
        <li class="feedback-event-raised">
          <time datetime="{@date}"><xsl:value-of select="@date"/></time>
          <xsl:text> </xsl:text>
          <xsl:call-template name="gentext"><xsl:with-param name="key" select="'feedback-event.raised'"/></xsl:call-template>
        </li>
        <xsl:for-each select="m:answer">
          <xsl:variable name="event">
            <xsl:choose>
              <xsl:when test="../@status = 'rejected'">rejected</xsl:when>
              <xsl:otherwise>accepted</xsl:otherwise>
            </xsl:choose>
          </xsl:variable>
          <li class="feedback-event-{$event}">
            <time datetime="{@date}"><xsl:value-of select="@date"/></time>
            <xsl:text> </xsl:text>
            <xsl:call-template name="gentext"><xsl:with-param name="key" select="concat('feedback-event.', $event)"/></xsl:call-template>
            <p class="feedback-answer">
              <xsl:call-template name="gentext.label"><xsl:with-param name="key" select="'feedback-answer'"/></xsl:call-template>
              <xsl:call-template name="feedback.lines">
                <xsl:with-param name="text" select="."/>
              </xsl:call-template>
            </p>
          </li>
        </xsl:for-each>
        <xsl:for-each select="m:resolved">
          <li class="feedback-event-resolved">
            <time datetime="{@date}"><xsl:value-of select="@date"/></time>
            <xsl:text> </xsl:text>
            <xsl:call-template name="gentext.label"><xsl:with-param name="key" select="'feedback-event.resolved'"/></xsl:call-template>
            <span class="feedback-version"><xsl:value-of select="@version"/></span>
          </li>
        </xsl:for-each>
      </ol>
    </article>
  </xsl:template>

  <!-- Text whose line breaks matter (what a hall wrote): <br> between
       lines. -->
  <xsl:template name="feedback.lines">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&#10;')">
        <xsl:value-of select="substring-before($text, '&#10;')"/>
        <br/>
        <xsl:call-template name="feedback.lines">
          <xsl:with-param name="text" select="substring-after($text, '&#10;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
