/**
 * The name/int protocol of the lab's "adding two numbers" exercise: a request carrying a name and a number,
 * a reply carrying the server's name, its number and the sum, and an error reply.
 */
package io.netlab.codec.namevalue;
