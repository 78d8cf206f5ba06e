/** The netlab clients: file fetch, adding two numbers, and the uppercase echo client. */
package io.netlab.client;
