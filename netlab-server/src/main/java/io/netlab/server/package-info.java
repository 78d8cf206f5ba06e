/** The netlab servers: file transfer, adding two numbers, and the uppercase echo service. */
package io.netlab.server;
