/**
 * The oversight page's local web server (JDK {@code com.sun.net.httpserver}, virtual threads): a fixed set of routes
 * over a {@link dev.ida4j.human.Desk}, each request checked for its Host, Origin and secret token first.
 */
package dev.ida4j.human.web;
