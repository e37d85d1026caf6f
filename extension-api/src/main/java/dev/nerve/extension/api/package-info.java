/** The SPI a Java plugin extension implements. */
package dev.nerve.extension.api;
